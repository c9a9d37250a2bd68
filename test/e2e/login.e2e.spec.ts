import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';
import { assertNestError } from '../support/nest-error.js';
import { TestApp } from '../fixtures/test-app.js';

const INVALID_CREDENTIALS = { statusCode: 400, message: 'Unable to log in with provided credentials.', error: 'Bad Request' };
// What a JSON parser says when it fails; none of it may reach a client (§6).
const PARSER_INTERNALS = /Unexpected|position \d|SyntaxError|JSON\.parse|is not valid JSON|at line|column/i;

/** The claims of a JWT, read without verifying it. */
function claims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** UTF-8 bytes of a header value, as node:http sends a string's latin1 code units. */
function utf8Header(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** A Nest 400 whose `message` lists one entry per field, in this order, each matching its pattern. */
function assertFieldErrors(response: HttpResponse, expected: Array<[field: string, pattern: RegExp]>): void {
  assert.equal(response.status, 400);
  const body = response.json as { statusCode: unknown; message: unknown; error: unknown };
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
  assert.equal(body.statusCode, 400);
  assert.equal(body.error, 'Bad Request');
  assert.ok(Array.isArray(body.message), `message should list the fields: ${response.text}`);
  const messages = body.message as string[];
  assert.equal(messages.length, expected.length, `one message per field: ${response.text}`);
  expected.forEach(([field, pattern], index) => {
    assert.ok(messages[index].startsWith(`${field} `), `message ${index} should name ${field}: ${messages[index]}`);
    assert.match(messages[index], pattern);
  });
}

/** A Nest 400 with a single message that names no parser internals. */
function assertCleanBadRequest(response: HttpResponse): void {
  const body = assertNestError(response, 400, 'Bad Request');
  assert.doesNotMatch(JSON.stringify(body.message), PARSER_INTERNALS);
}

forEachServer((database) => {
  describe('POST /auth-token', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
      app.users.add('carol', 'carol-password');
      app.users.disable('carol');
    });
    after(() => app.close());

    /** Posts a login and asserts it created no device. */
    async function failedLogin(options: { body: unknown; contentType?: string; path?: string }): Promise<HttpResponse> {
      const before = await app.devices();
      const response = await app.request({ method: 'POST', path: options.path ?? '/auth-token', body: options.body, contentType: options.contentType });
      assert.deepEqual(await app.devices(), before, 'a failed login must not create or change devices');
      return response;
    }

    it('logs in with 200, a token, a permanent token and a numeric device id, and stores only the hash', async () => {
      const response = await app.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth-token',
        headers: { 'X-Device-Model': 'Pixel 8', 'User-Agent': 'okhttp/4' },
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      const body = response.json!;
      assert.deepEqual(Object.keys(body).sort(), ['device_id', 'permanent_token', 'token']);
      assert.equal(typeof body.device_id, 'number');
      assert.equal(typeof body.token, 'string');
      assert.match(body.permanent_token as string, /^[A-Za-z0-9_-]{43,}$/);
      const [device] = await app.devices();
      assert.equal(device.id, body.device_id);
      assert.equal(device.userId, '1');
      assert.equal(device.name, 'Pixel 8');
      assert.equal(device.details, 'okhttp/4');
      assert.notEqual(device.tokenHash, body.permanent_token);
      assert.match(device.tokenHash!, /^[0-9a-f]{64}$/);
    });

    it("puts the device id into the token's device_id claim as a string, beside user_id and username", async () => {
      const body = await app.login('alice');
      const tokenClaims = claims(body.token);
      assert.equal(typeof body.device_id, 'number');
      assert.equal(tokenClaims.device_id, String(body.device_id));
      assert.equal(tokenClaims.user_id, 1);
      assert.equal(tokenClaims.username, 'alice');
      assert.equal(tokenClaims.email, 'alice@example.com');
    });

    it('answers a wrong password with 400 and the drf message, and creates no device', async () => {
      const response = await failedLogin({ body: { username: 'alice', password: 'nope' } });
      assert.deepEqual(response.json, INVALID_CREDENTIALS);
    });

    it('answers an unknown user exactly as a wrong password, and creates no device', async () => {
      const response = await failedLogin({ body: { username: 'mallory', password: 'alice-password' } });
      assert.deepEqual(response.json, INVALID_CREDENTIALS);
    });

    it('answers a disabled user with the right password exactly as a wrong password, and creates no device', async () => {
      const response = await failedLogin({ body: { username: 'carol', password: 'carol-password' } });
      assert.deepEqual(response.json, INVALID_CREDENTIALS);
    });

    it('names the device after X-Device-Model and details it with User-Agent', async () => {
      const body = await app.login('bob', { 'X-Device-Model': 'iPhone 15', 'User-Agent': 'MyApp/2.1 (iOS 17)' });
      const device = (await app.devices()).find(({ id }) => id === body.device_id);
      assert.equal(device?.name, 'iPhone 15');
      assert.equal(device?.details, 'MyApp/2.1 (iOS 17)');
      assert.equal(device?.userId, '2');
    });

    it('names the device after User-Agent with empty details when X-Device-Model is absent', async () => {
      const body = await app.login('bob', { 'User-Agent': 'curl/8.5.0' });
      const device = (await app.devices()).find(({ id }) => id === body.device_id);
      assert.equal(device?.name, 'curl/8.5.0');
      assert.equal(device?.details, '');
    });

    it('names the device after User-Agent when X-Device-Model is empty', async () => {
      const body = await app.login('bob', { 'X-Device-Model': '', 'User-Agent': 'curl/8.5.0' });
      const device = (await app.devices()).find(({ id }) => id === body.device_id);
      assert.equal(device?.name, 'curl/8.5.0');
      assert.equal(device?.details, '');
    });

    it('keeps a 4-byte Unicode device name and User-Agent sent as UTF-8', async () => {
      const body = await app.login('bob', { 'X-Device-Model': utf8Header('Pixel 😀 Grüße 日本'), 'User-Agent': utf8Header('Agent 𝄞') });
      const device = (await app.devices()).find(({ id }) => id === body.device_id);
      assert.equal(device?.name, 'Pixel 😀 Grüße 日本');
      assert.equal(device?.details, 'Agent 𝄞');
    });

    it('caps a device name of more than 255 code points to 255 without splitting a surrogate pair', async () => {
      // 'a' then 300 emoji: a cap by UTF-16 units (or bytes) would cut an emoji in half.
      const name = `a${'😀'.repeat(300)}`;
      const response = await app.request<{ device_id: number }>({
        method: 'POST',
        path: '/auth-token',
        headers: { 'X-Device-Model': utf8Header(name) },
        body: { username: 'bob', password: 'bob-password' },
      });
      assert.equal(response.status, 200, response.text);
      const device = (await app.devices()).find(({ id }) => id === response.json!.device_id);
      assert.ok(device, 'the device was not stored');
      assert.equal(Array.from(device.name).length, 255);
      assert.equal(device.name, `a${'😀'.repeat(254)}`);
    });

    it('answers 400 naming each missing field, and creates no device', async () => {
      assertFieldErrors(await failedLogin({ body: {} }), [
        ['username', /required|empty/],
        ['password', /required|empty/],
      ]);
    });

    it('answers 400 naming only the missing password when the username is given', async () => {
      assertFieldErrors(await failedLogin({ body: { username: 'alice' } }), [['password', /required|empty/]]);
    });

    it('answers 400 naming each blank field, and creates no device', async () => {
      assertFieldErrors(await failedLogin({ body: { username: '   ', password: '' } }), [
        ['username', /blank|empty/],
        ['password', /blank|empty/],
      ]);
    });

    it('answers 400 naming each non-string field, and creates no device', async () => {
      assertFieldErrors(await failedLogin({ body: { username: 42, password: ['alice-password'] } }), [
        ['username', /must be a string/],
        ['password', /must be a string/],
      ]);
      assertFieldErrors(await failedLogin({ body: { username: { $ne: null }, password: true } }), [
        ['username', /must be a string/],
        ['password', /must be a string/],
      ]);
    });

    it('answers 400 to a null username instead of logging anyone in', async () => {
      assertFieldErrors(await failedLogin({ body: { username: null, password: 'alice-password' } }), [['username', /required|empty|string/]]);
    });

    it('answers a JSON array body with 400, and creates no device', async () => {
      assertCleanBadRequest(await failedLogin({ body: [{ username: 'alice', password: 'alice-password' }] }));
    });

    it('answers a JSON string body with 400 and no parser internals, and creates no device', async () => {
      assertCleanBadRequest(await failedLogin({ body: '"alice"', contentType: 'application/json' }));
    });

    it('answers a non-JSON body sent as JSON with 400 and no parser internals, and creates no device', async () => {
      assertCleanBadRequest(await failedLogin({ body: '{"username": "alice", password', contentType: 'application/json' }));
    });

    it('logs in with a form-encoded body', async () => {
      const before = (await app.devices()).length;
      const response = await app.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth-token',
        headers: { 'User-Agent': 'drf-client' },
        body: 'username=alice&password=alice-password',
        contentType: 'application/x-www-form-urlencoded',
      });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(Object.keys(response.json!).sort(), ['device_id', 'permanent_token', 'token']);
      const devices = await app.devices();
      assert.equal(devices.length, before + 1);
      assert.equal(devices.find(({ id }) => id === response.json!.device_id)?.name, 'drf-client');
    });

    it('answers a form-encoded body with a wrong password with the drf 400, and creates no device', async () => {
      const response = await failedLogin({ body: 'username=alice&password=wrong', contentType: 'application/x-www-form-urlencoded' });
      assert.deepEqual(response.json, INVALID_CREDENTIALS);
    });

    it('logs in at /auth-token/ with a trailing slash', async () => {
      const before = (await app.devices()).length;
      const response = await app.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth-token/',
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(typeof response.json?.device_id, 'number');
      assert.equal((await app.devices()).length, before + 1);
    });

    it('accepts a body of exactly 100 KiB', async () => {
      const base = JSON.stringify({ username: 'alice', password: 'alice-password', pad: '' });
      const body = JSON.stringify({ username: 'alice', password: 'alice-password', pad: 'x'.repeat(100 * 1024 - base.length) });
      assert.equal(Buffer.byteLength(body), 100 * 1024);
      const response = await app.request({ method: 'POST', path: '/auth-token', body, contentType: 'application/json' });
      assert.equal(response.status, 200, response.text);
    });

    it('answers a body over 100 KiB with 413, and creates no device', async () => {
      const body = JSON.stringify({ username: 'alice', password: 'alice-password', pad: 'x'.repeat(100 * 1024) });
      const response = await failedLogin({ body, contentType: 'application/json' });
      assert.equal(response.status, 413, response.text);
      assert.equal((response.json as { statusCode?: unknown } | undefined)?.statusCode, 413, response.text);
      assert.doesNotMatch(response.text, /alice-password|at [\w.]+ \(|node_modules/);
    });
  });

  describe('POST /auth-token with permanentTokenAuth: false', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { permanentTokenAuth: false } });
    });
    after(() => app.close());

    it('answers { token } only, with no device_id claim, and creates no device', async () => {
      const response = await app.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth-token',
        headers: { 'X-Device-Model': 'Pixel 8' },
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.deepEqual(Object.keys(response.json!), ['token']);
      const tokenClaims = claims(response.json!.token as string);
      assert.equal('device_id' in tokenClaims, false);
      assert.equal(tokenClaims.user_id, 1);
      assert.deepEqual(await app.devices(), []);
    });

    it('authenticates app routes with a token that names no device', async () => {
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { username: 'bob', password: 'bob-password' } });
      const { token } = response.json as { token: string };
      const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.json, { id: 2, username: 'bob', device_id: null });
      assert.deepEqual(await app.devices(), []);
    });

    it('still answers a wrong password with the drf 400', async () => {
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'nope' } });
      assert.deepEqual(response.json, INVALID_CREDENTIALS);
      assert.equal(response.status, 400);
    });
  });

  describe("POST /auth-token with usernameField: 'email'", () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { usernameField: 'email' } });
      // TestUsers checks credentials by username, so this user's username is its email.
      app.users.add('dave@example.com', 'dave-password');
    });
    after(() => app.close());

    it('logs in with the email field', async () => {
      const response = await app.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth-token',
        body: { email: 'dave@example.com', password: 'dave-password' },
      });
      assert.equal(response.status, 200, response.text);
      const devices = await app.devices();
      assert.equal(devices.length, 1);
      assert.equal(devices[0].id, response.json!.device_id);
      assert.equal(devices[0].userId, '3');
    });

    it('ignores the username field and names email in its 400, creating no device', async () => {
      const before = await app.devices();
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { username: 'dave@example.com', password: 'dave-password' } });
      assertFieldErrors(response, [['email', /required|empty/]]);
      assert.doesNotMatch(response.text, /username/);
      assert.deepEqual(await app.devices(), before);
    });

    it('names email in the 400 for a non-string email', async () => {
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { email: 7, password: 'dave-password' } });
      assertFieldErrors(response, [['email', /must be a string/]]);
    });

    it('answers a wrong password for an email with the drf 400', async () => {
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { email: 'dave@example.com', password: 'x' } });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json, INVALID_CREDENTIALS);
    });
  });
});
