import http from 'node:http';
import { parseJsonBody, type HttpResponse } from './http-response.js';

export type { HttpResponse } from './http-response.js';

/** Pairs keep order and allow the same header twice, which a Record cannot. */
export type RequestHeaders = Record<string, string> | Array<[string, string]>;

export interface RequestOptions {
  method: string;
  /** Sent as is: query string, odd escapes and trailing slashes included. */
  path: string;
  /** Values go out as latin1 bytes; Node refuses control characters (use sendRawRequest for those). */
  headers?: RequestHeaders;
  /** A string or Buffer is sent raw; anything else (null included) is sent as JSON. */
  body?: unknown;
  /** Content-Type for a raw string/Buffer body; a Content-Type in `headers` wins. */
  contentType?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** One request on its own connection (no agent, no keep-alive), e.g. `request(baseUrl, { method: 'GET', path: '/devices' })`. */
export function request<T = unknown>(baseUrl: string, options: RequestOptions): Promise<HttpResponse<T>> {
  const url = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = `${options.method} ${url.origin}${options.path}`;
  const { body, headers } = encodeRequest(url, options);
  return new Promise<HttpResponse<T>>((resolve, reject) => {
    const req = http.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      method: options.method,
      path: options.path,
      headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`HTTP ${target} got no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          text,
          json: parseJsonBody<T>(res.headers['content-type'], text),
        });
      });
    });
    req.end(body);
  });
}

/** Flat [name, value, ...] headers, the form Node sends verbatim, plus the encoded body. */
function encodeRequest(url: URL, options: RequestOptions): { body: Buffer | undefined; headers: string[] } {
  const pairs = Array.isArray(options.headers) ? [...options.headers] : Object.entries(options.headers ?? {});
  const has = (name: string) => pairs.some(([key]) => key.toLowerCase() === name);
  let body: Buffer | undefined;
  if (options.body !== undefined) {
    const raw = typeof options.body === 'string' || Buffer.isBuffer(options.body);
    body = raw ? Buffer.from(options.body as string | Buffer) : Buffer.from(JSON.stringify(options.body));
    const contentType = raw ? options.contentType : 'application/json';
    if (contentType && !has('content-type')) pairs.push(['Content-Type', contentType]);
    if (!has('content-length') && !has('transfer-encoding')) pairs.push(['Content-Length', String(body.length)]);
  }
  // Without a length Node sends an empty chunked body, which Fastify answers 415; real clients send none.
  if (body === undefined && !has('content-length') && !has('transfer-encoding') && !['GET', 'HEAD'].includes(options.method)) {
    pairs.push(['Content-Length', '0']);
  }
  // Node adds no Host header when headers come as an array, and HTTP/1.1 servers answer 400 without one.
  if (!has('host')) pairs.unshift(['Host', url.host]);
  return { body, headers: pairs.flat() };
}
