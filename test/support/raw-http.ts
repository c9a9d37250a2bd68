import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { parseJsonBody, type HttpResponse } from './http-response.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Writes `bytes` to the server untouched (NUL and control bytes included, which Node's
 * client refuses), half-closes the socket and parses the one response the server sends.
 * The caller writes the whole request: request line, Host, headers and body. A string goes
 * out one byte per character (latin1); pass a Buffer to send UTF-8.
 */
export function sendRawRequest(baseUrl: string, bytes: string | Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<HttpResponse> {
  const url = new URL(baseUrl);
  return new Promise<HttpResponse>((resolve, reject) => {
    const socket = net.connect({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 80) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy(new Error(`raw request to ${url.origin} got no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(parseRawResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    socket.end(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}

function parseRawResponse(data: Buffer): HttpResponse {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`incomplete HTTP response: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...headerLines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1]);
  if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const rawHeaders: string[] = [];
  const headers: IncomingHttpHeaders = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    rawHeaders.push(name, value);
    addHeader(headers, name.toLowerCase(), value);
  }
  let body = data.subarray(headEnd + 4);
  if (/\bchunked\b/i.test(String(headers['transfer-encoding']))) body = decodeChunked(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  const text = body.toString('utf8');
  return { status, headers, rawHeaders, text, json: parseJsonBody(headers['content-type'], text) };
}

/** Joins repeats as node:http does: set-cookie as an array, the rest comma-separated. */
function addHeader(headers: IncomingHttpHeaders, key: string, value: string): void {
  if (key === 'set-cookie') headers[key] = [...(headers[key] ?? []), value];
  else headers[key] = headers[key] === undefined ? value : `${String(headers[key])}, ${value}`;
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('truncated chunked body');
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size in chunked body');
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
