import assert from 'node:assert/strict';
import type { HttpResponse } from './http-response.js';

/** Asserts Nest's error body `{ statusCode, message, error }` with that status, and returns it. */
export function assertNestError(response: HttpResponse, status: number, error: string): Record<string, unknown> {
  assert.equal(response.status, status, response.text.slice(0, 500));
  const body = response.json as Record<string, unknown> | undefined;
  assert.ok(body, `a JSON body is expected: ${response.text}`);
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
  assert.equal(body.statusCode, status);
  assert.equal(body.error, error);
  return body;
}
