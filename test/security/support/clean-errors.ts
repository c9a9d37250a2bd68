import assert from 'node:assert/strict';
import type { HttpResponse } from '../../support/http.js';

/** The fixed texts of the module's refusals, pinned here so a changed wire message is noticed. */
export const MESSAGES = {
  invalidAccessToken: 'Invalid or expired access token.',
  invalidPermanentToken: 'Invalid permanent token.',
  headerRule: 'The Permanent-Token header is only accepted by the device refresh route.',
  deviceNotFound: 'Device not found.',
  badCredentials: 'Unable to log in with provided credentials.',
  deviceIdRequired: 'The Device-Id header is required.',
  deviceIdOnce: 'The Device-Id header must be sent once.',
  deviceIdInteger: 'The Device-Id header must be a positive integer.',
  invalidJson: 'The request body could not be parsed as JSON.',
  notAnObject: 'Request body must be a JSON object.',
  tooLarge: 'Request body is too large.',
  unavailable: 'Authentication is temporarily unavailable; try again shortly.',
  tooManyRequests: 'Too many requests; try again later.',
} as const;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/** What an error body must never show, each with the pattern that finds it. */
const INTERNALS: Array<[string, RegExp]> = [
  ['a stack frame', /\n\s+at |\bat [^\s()]+ \(|\.(?:[cm]?js|ts):\d+/],
  ['SQL', /\b(?:SELECT|INSERT|UPDATE|DELETE FROM|DROP|WHERE|VALUES)\b/],
  ['a table or column name', /jwt_devices_|_token_hash|last_request_datetime|sample_app_user/i],
  ['a database or driver name', /QueryFailedError|TypeORM|sqlite|postgres|\bpg\b|mysql|mariadb|SQLSTATE|\bER_[A-Z_]+/i],
  [
    'a framework or library name',
    /passport|jsonwebtoken|class-validator|class-transformer|nestjs|\bnest\b|\bexpress\b|fastify|\bFST_[A-Z_]+|body-parser|secure-json-parse|node_modules|find-my-way|scrypt/i,
  ],
  ['a JavaScript error', /SyntaxError|TypeError|RangeError|ReferenceError|Unexpected token|JSON\.parse|in JSON at position|\[object Object\]|\bundefined\b/],
  ['a class name of the module', /JwtDevices|InvalidAccessToken|InvalidPermanentToken|InvalidCredentials|DevicesService|TokensService|SessionsService/],
  ['a token hash', /\b[0-9a-f]{64}\b/i],
  ['a JWT', /eyJ[A-Za-z0-9_-]{8,}/],
];

/** Fails when `text` shows an internal (see INTERNALS) or any of `secrets`. */
export function assertNoInternals(text: string, secrets: Iterable<string> = [], where = 'the body'): void {
  for (const [what, pattern] of INTERNALS) {
    const match = pattern.exec(text);
    assert.equal(match, null, `${where} shows ${what} (${JSON.stringify(match?.[0])}): ${text.slice(0, 500)}`);
  }
  assertNoSecrets(text, secrets, where);
}

export function assertNoSecrets(text: string, secrets: Iterable<string>, where: string): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where} shows a secret (${secret.slice(0, 12)}…): ${text.slice(0, 500)}`);
  }
}

/**
 * The answer is `status` with Nest's `{ statusCode, message, error }` and nothing else, the
 * expected message when given, and neither the body nor any header shows an internal or a secret.
 */
export function assertCleanError(response: HttpResponse, status: number, message?: unknown, secrets: Iterable<string> = []): void {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`);
  assert.match(String(response.headers['content-type']), /^application\/json\b/, `not JSON: ${response.text.slice(0, 200)}`);
  const body = response.json as Record<string, unknown> | undefined;
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), `the body is not a JSON object: ${response.text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode'], `unexpected fields: ${response.text.slice(0, 200)}`);
  assert.equal(body.statusCode, status);
  assert.equal(body.error, REASONS[status]);
  if (message !== undefined) assert.deepEqual(body.message, message);
  else assert.ok(isMessage(body.message), `the message is not text: ${response.text}`);
  const secretList = [...secrets];
  assertNoInternals(response.text, secretList);
  assertNoSecrets(headerText(response), secretList, 'a response header');
}

/**
 * For answers the HTTP server gives before the app runs (a NUL byte in a header, headers too
 * large): the status, and a body that is empty or a plain error without internals or secrets.
 */
export function assertServerRefusal(response: HttpResponse, status: number, secrets: Iterable<string> = []): void {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`);
  const secretList = [...secrets];
  assertNoInternals(response.text, secretList);
  assertNoSecrets(headerText(response), secretList, 'a response header');
}

function isMessage(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'));
}

function headerText(response: HttpResponse): string {
  return response.rawHeaders.join('\n');
}
