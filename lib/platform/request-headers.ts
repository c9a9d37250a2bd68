import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

interface RequestLike {
  headers?: IncomingHttpHeaders;
  rawHeaders?: string[];
  raw?: IncomingMessage;
}

/** Node hands header bytes over as latin1; clients send UTF-8, so decode it back when it is valid UTF-8. */
function decodeUtf8(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  const decoded = bytes.toString('utf8');
  return decoded.includes('\uFFFD') ? value : decoded;
}

/** One header of an Express or Fastify request, or undefined when absent. */
export function readHeader(request: unknown, name: string): string | undefined {
  const value = (request as RequestLike | undefined)?.headers?.[name];
  if (value === undefined) return undefined;
  return decodeUtf8(Array.isArray(value) ? value.join(', ') : value);
}

/** How many times a header was sent; Node folds or drops repeats, so count the raw list. */
export function headerCount(request: unknown, name: string): number {
  const req = request as RequestLike | undefined;
  const raw = req?.rawHeaders ?? req?.raw?.rawHeaders;
  if (!raw) return req?.headers?.[name] === undefined ? 0 : 1;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) count++;
  }
  return count;
}

/** The value of a header that must appear at most once: undefined when absent, null when repeated. */
export function readSingleHeader(request: unknown, name: string): string | undefined | null {
  const value = readHeader(request, name);
  if (value === undefined) return undefined;
  return headerCount(request, name) > 1 ? null : value;
}

/** A cookie's value from the Cookie header, without a cookie-parser dependency. */
export function readCookie(request: unknown, name: string): string | undefined {
  const header = readHeader(request, 'cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
  }
  return undefined;
}
