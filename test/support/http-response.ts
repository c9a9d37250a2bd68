import type { IncomingHttpHeaders } from 'node:http';

export interface HttpResponse<T = unknown> {
  status: number;
  /** Lower-cased names; repeated headers are joined as Node does (set-cookie stays an array). */
  headers: IncomingHttpHeaders;
  /** Names and values as received, alternating, repeats kept. */
  rawHeaders: string[];
  text: string;
  /** The parsed body when the response says it is JSON and it parses; otherwise undefined. */
  json: T | undefined;
}

export function parseJsonBody<T>(contentType: string | undefined, text: string): T | undefined {
  if (!contentType || !/\bjson\b/i.test(contentType)) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
