import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionsService } from '../../lib/index.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestHeaders } from '../support/http.js';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';

const CHALLENGE = 'Bearer realm="api"';
const INVALID_TOKEN_CHALLENGE = 'Bearer realm="api", error="invalid_token"';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** A Nest error body: exactly `{ statusCode, message, error }`, with a string message. */
function assertNestError(response: HttpResponse, statusCode: number, error: string, message?: RegExp): void {
  assert.equal(response.status, statusCode, response.text);
  const body = response.json as Record<string, unknown> | undefined;
  assert.ok(body, `a JSON body is expected: ${response.text}`);
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
  assert.equal(body.statusCode, statusCode);
  assert.equal(body.error, error);
  assert.equal(typeof body.message, 'string');
  if (message) assert.match(body.message as string, message);
}

/** 401 with the RFC 6750 challenge; `sentToken` says whether the request carried one. */
function assertUnauthorized(response: HttpResponse, sentToken: boolean): void {
  assertNestError(response, 401, 'Unauthorized');
  assert.equal(response.headers['www-authenticate'], sentToken ? INVALID_TOKEN_CHALLENGE : CHALLENGE);
}

/** A path Nest has no route for answers its own 404. */
function assertNoRoute(response: HttpResponse, method: string, path: string): void {
  assert.equal(response.status, 404, `${method} ${path} should have no route: ${response.status} ${response.text}`);
  assert.deepEqual(response.json, { statusCode: 404, message: `Cannot ${method} ${path}`, error: 'Not Found' });
}

forEachServer((database) => {
  describe('device routes', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
    });
    after(() => app.close());

    /** A new user of the app, so each test sees only the devices it made. */
    function newUser(name: string): string {
      app.users.add(name, `${name}-password`);
      return name;
    }

    async function profileStatus(token: string): Promise<number> {
      return (await app.request({ method: 'GET', path: '/profile', headers: bearer(token) })).status;
    }

    /** Sends a request and asserts it changed no Device row. */
    async function requestChangingNothing(method: string, path: string, headers: RequestHeaders = {}): Promise<HttpResponse> {
      const before = await app.devices();
      const response = await app.request({ method, path, headers });
      assert.deepEqual(await app.devices(), before, `${method} ${path} must not change any device`);
      return response;
    }

    describe('GET /devices', () => {
      it("lists only the caller's devices by id, with ISO-8601 UTC dates and current set on the caller's device only", async () => {
        const user = newUser('list-user');
        const firstCreated = app.clock.now().toISOString();
        const first = await app.login(user, { 'X-Device-Model': 'Pixel 8', 'User-Agent': 'okhttp/4' });
        await app.login('bob');
        app.clock.advance(90);
        const secondCreated = app.clock.now().toISOString();
        const second = await app.login(user, { 'User-Agent': 'curl/8' });

        const response = await app.request({ method: 'GET', path: '/devices', headers: bearer(second.token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, [
          { id: first.device_id, name: 'Pixel 8', details: 'okhttp/4', created: firstCreated, last_request_datetime: firstCreated, current: false },
          { id: second.device_id, name: 'curl/8', details: '', created: secondCreated, last_request_datetime: secondCreated, current: true },
        ]);
        for (const device of response.json as Array<{ created: string }>) assert.match(device.created, ISO_UTC);
        assert.ok(first.device_id < second.device_id);

        const fromFirst = await app.request<Array<{ id: number; current: boolean }>>({ method: 'GET', path: '/devices', headers: bearer(first.token) });
        assert.deepEqual(
          fromFirst.json?.map(({ id, current }) => ({ id, current })),
          [
            { id: first.device_id, current: true },
            { id: second.device_id, current: false },
          ],
        );
      });

      it('answers 401 with WWW-Authenticate: Bearer realm="api" without a token', async () => {
        assertUnauthorized(await app.request({ method: 'GET', path: '/devices' }), false);
      });

      it('answers 401 with error="invalid_token" for a garbage or tampered token', async () => {
        assertUnauthorized(await app.request({ method: 'GET', path: '/devices', headers: { Authorization: 'Bearer not-a-token' } }), true);
        const { token } = await app.login('bob');
        const [header, , signature] = token.split('.');
        const forged = Buffer.from(JSON.stringify({ user_id: 1, username: 'alice', device_id: '1', exp: 9999999999 })).toString('base64url');
        assertUnauthorized(await app.request({ method: 'GET', path: '/devices', headers: bearer(`${header}.${forged}.${signature}`) }), true);
      });
    });

    describe('DELETE /devices/:id', () => {
      it('answers 204 with no body and deletes only that device', async () => {
        const user = newUser('delete-user');
        const kept = await app.login(user);
        const doomed = await app.login(user);
        const others = (await app.devices()).filter(({ id }) => id !== doomed.device_id);

        const response = await app.request({ method: 'DELETE', path: `/devices/${doomed.device_id}`, headers: bearer(kept.token) });
        assert.equal(response.status, 204, response.text);
        assert.equal(response.text, '');
        assert.deepEqual(await app.devices(), others);
        assert.equal(await profileStatus(doomed.token), 401);
        assert.equal(await profileStatus(kept.token), 200);
      });

      for (const raw of ['abc', '1.5', '-1', '0', '99999999999999999999', '1e3', '%20']) {
        it(`answers 404 to /devices/${raw} and deletes nothing`, async () => {
          const { token } = await app.login('alice');
          assertNestError(await requestChangingNothing('DELETE', `/devices/${raw}`, bearer(token)), 404, 'Not Found');
        });
      }

      it("answers 404 to a leading-zero spelling of the caller's own id and deletes nothing", async () => {
        const { token, device_id } = await app.login('alice');
        assertNestError(await requestChangingNothing('DELETE', `/devices/0${device_id}`, bearer(token)), 404, 'Not Found');
      });

      it('answers 404 to an unknown id and deletes nothing', async () => {
        const { token } = await app.login('alice');
        assertNestError(await requestChangingNothing('DELETE', '/devices/987654321', bearer(token)), 404, 'Not Found');
      });

      it("answers 404 to another user's device, exactly as to an unknown id, and leaves it alive", async () => {
        const bob = await app.login('bob');
        const { token } = await app.login('alice');
        const foreign = await requestChangingNothing('DELETE', `/devices/${bob.device_id}`, bearer(token));
        const unknown = await requestChangingNothing('DELETE', '/devices/987654321', bearer(token));
        assertNestError(foreign, 404, 'Not Found');
        assert.deepEqual(foreign.json, unknown.json);
        assert.equal(await profileStatus(bob.token), 200);
      });

      it("logs the caller out when it names the caller's current device", async () => {
        const { token, device_id } = await app.login('alice');
        const response = await app.request({ method: 'DELETE', path: `/devices/${device_id}`, headers: bearer(token) });
        assert.equal(response.status, 204, response.text);
        assert.equal((await app.devices()).some(({ id }) => id === device_id), false);
        assertUnauthorized(await app.request({ method: 'GET', path: '/devices', headers: bearer(token) }), true);
        assert.equal(await profileStatus(token), 401);
      });

      it('answers 401 without a token and deletes nothing', async () => {
        const { device_id } = await app.login('alice');
        assertUnauthorized(await requestChangingNothing('DELETE', `/devices/${device_id}`), false);
      });
    });

    describe('POST /devices/logout-others', () => {
      it("answers 200 { revoked: n } and leaves only the caller's current device of that user", async () => {
        const user = newUser('others-user');
        const logins: LoginBody[] = [];
        for (let i = 0; i < 4; i++) logins.push(await app.login(user));
        const bob = await app.login('bob');
        const current = logins[1];
        const expected = (await app.devices()).filter(({ userId, id }) => userId !== String(app.users.byName(user).id) || id === current.device_id);

        const response = await app.request({ method: 'POST', path: '/devices/logout-others', headers: bearer(current.token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, { revoked: 3 });
        assert.deepEqual(await app.devices(), expected);
        for (const login of logins) assert.equal(await profileStatus(login.token), login === current ? 200 : 401);
        assert.equal(await profileStatus(bob.token), 200);
      });

      it('answers { revoked: 0 } when the caller has no other device', async () => {
        const user = newUser('lonely-user');
        const { token } = await app.login(user);
        const before = await app.devices();
        const response = await app.request({ method: 'POST', path: '/devices/logout-others', headers: bearer(token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, { revoked: 0 });
        assert.deepEqual(await app.devices(), before);
      });

      it('answers 401 without a token and deletes nothing', async () => {
        await app.login('alice');
        assertUnauthorized(await requestChangingNothing('POST', '/devices/logout-others'), false);
      });
    });

    describe('DELETE /device-logout', () => {
      it('answers 204 and deletes the device named by Device-Id, whose access tokens fail at once', async () => {
        const user = newUser('logout-user');
        const caller = await app.login(user);
        const doomed = await app.login(user);
        assert.equal(await profileStatus(doomed.token), 200);
        const others = (await app.devices()).filter(({ id }) => id !== doomed.device_id);

        const response = await app.request({
          method: 'DELETE',
          path: '/device-logout',
          headers: { ...bearer(caller.token), 'Device-Id': String(doomed.device_id) },
        });
        assert.equal(response.status, 204, response.text);
        assert.equal(response.text, '');
        assert.deepEqual(await app.devices(), others);
        assertUnauthorized(await app.request({ method: 'GET', path: '/profile', headers: bearer(doomed.token) }), true);
        assert.equal(await profileStatus(caller.token), 200);
      });

      it("logs the caller's own device out when Device-Id names it", async () => {
        const { token, device_id } = await app.login('alice');
        const response = await app.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(token), 'Device-Id': String(device_id) } });
        assert.equal(response.status, 204, response.text);
        assert.equal((await app.devices()).some(({ id }) => id === device_id), false);
        assert.equal(await profileStatus(token), 401);
      });

      const badDeviceIds: Array<[label: string, headers: (id: number) => Array<[string, string]>]> = [
        ['a missing Device-Id', () => []],
        ['an empty Device-Id', () => [['Device-Id', '']]],
        ['Device-Id abc', () => [['Device-Id', 'abc']]],
        ['Device-Id 1.5', () => [['Device-Id', '1.5']]],
        ['Device-Id -1', () => [['Device-Id', '-1']]],
        ['Device-Id 0', () => [['Device-Id', '0']]],
        ['a leading-zero Device-Id (01)', () => [['Device-Id', '01']]],
        ["a leading-zero spelling of the caller's own id", (id) => [['Device-Id', `0${id}`]]],
        ['Device-Id 99999999999999999999', () => [['Device-Id', '99999999999999999999']]],
        ['a Device-Id beyond the safe-integer range (9007199254740993)', () => [['Device-Id', '9007199254740993']]],
        ["two Device-Id headers naming the caller's own device", (id) => [['Device-Id', String(id)], ['Device-Id', String(id)]]],
      ];
      for (const [label, headers] of badDeviceIds) {
        it(`answers 400 to ${label} and deletes nothing`, async () => {
          const { token, device_id } = await app.login('alice');
          const response = await requestChangingNothing('DELETE', '/device-logout', [['Authorization', `Bearer ${token}`], ...headers(device_id)]);
          assertNestError(response, 400, 'Bad Request', /Device-Id/);
          assert.equal(await profileStatus(token), 200);
        });
      }

      it('answers 404 to an unknown Device-Id and deletes nothing', async () => {
        const { token } = await app.login('alice');
        const response = await requestChangingNothing('DELETE', '/device-logout', { ...bearer(token), 'Device-Id': '987654321' });
        assertNestError(response, 404, 'Not Found');
      });

      it("answers 404 to another user's Device-Id, exactly as to an unknown one, and leaves that device alive", async () => {
        const bob = await app.login('bob');
        const { token } = await app.login('alice');
        const foreign = await requestChangingNothing('DELETE', '/device-logout', { ...bearer(token), 'Device-Id': String(bob.device_id) });
        const unknown = await requestChangingNothing('DELETE', '/device-logout', { ...bearer(token), 'Device-Id': '987654321' });
        assertNestError(foreign, 404, 'Not Found');
        assert.deepEqual(foreign.json, unknown.json);
        assert.equal(await profileStatus(bob.token), 200);
      });

      it('answers 401 without an access token and deletes nothing', async () => {
        const { device_id } = await app.login('alice');
        assertUnauthorized(await requestChangingNothing('DELETE', '/device-logout', { 'Device-Id': String(device_id) }), false);
      });

      it('answers 401 to the access token of a logged-out device and deletes nothing', async () => {
        const doomed = await app.login('alice');
        const survivor = await app.login('alice');
        await app.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(doomed.token), 'Device-Id': String(doomed.device_id) } });
        const response = await requestChangingNothing('DELETE', '/device-logout', { ...bearer(doomed.token), 'Device-Id': String(survivor.device_id) });
        assertUnauthorized(response, true);
        assert.equal(await profileStatus(survivor.token), 200);
      });
    });
  });

  describe('device routes with permanentTokenAuth: false', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { permanentTokenAuth: false } });
    });
    after(() => app.close());

    it('answers GET /devices with 200 [] and stores no device', async () => {
      const { token } = (await app.request<{ token: string }>({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } })).json!;
      const response = await app.request({ method: 'GET', path: '/devices', headers: bearer(token) });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, []);
      assert.deepEqual(await app.devices(), []);
    });

    it('still answers GET /devices without a token with 401', async () => {
      assertUnauthorized(await app.request({ method: 'GET', path: '/devices' }), false);
    });
  });

  describe("routes: { prefix: 'api/auth' }", () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { routes: { prefix: 'api/auth' }, module: { allowRefresh: true } });
    });
    after(() => app.close());

    async function prefixedLogin(): Promise<LoginBody> {
      const response = await app.request<LoginBody>({ method: 'POST', path: '/api/auth/auth-token', body: { username: 'alice', password: 'alice-password' } });
      assert.equal(response.status, 200, response.text);
      return response.json!;
    }

    it('logs in at /api/auth/auth-token and lists devices at /api/auth/devices', async () => {
      const login = await prefixedLogin();
      assert.deepEqual(Object.keys(login).sort(), ['device_id', 'permanent_token', 'token']);
      const list = await app.request<Array<{ id: number }>>({ method: 'GET', path: '/api/auth/devices', headers: bearer(login.token) });
      assert.equal(list.status, 200, list.text);
      assert.ok(list.json?.some(({ id }) => id === login.device_id));
      assert.ok((await app.devices()).some(({ id }) => id === login.device_id));
    });

    it('refreshes a device at /api/auth/device-refresh-token', async () => {
      const login = await prefixedLogin();
      const response = await app.request<{ token: string }>({
        method: 'POST',
        path: '/api/auth/device-refresh-token',
        headers: { 'Permanent-Token': login.permanent_token },
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(typeof response.json?.token, 'string');
    });

    it('verifies and refreshes access tokens at /api/auth/auth-token/verify and /api/auth/auth-token/refresh', async () => {
      const { token } = await prefixedLogin();
      const verify = await app.request({ method: 'POST', path: '/api/auth/auth-token/verify', body: { token } });
      assert.equal(verify.status, 200, verify.text);
      assert.deepEqual(verify.json, { token });
      const refresh = await app.request<{ token: string }>({ method: 'POST', path: '/api/auth/auth-token/refresh', body: { token } });
      assert.equal(refresh.status, 200, refresh.text);
      assert.equal(typeof refresh.json?.token, 'string');
    });

    it('logs devices out at /api/auth/devices/:id, /api/auth/device-logout and /api/auth/devices/logout-others', async () => {
      const caller = await prefixedLogin();
      const [a, b, c] = [await prefixedLogin(), await prefixedLogin(), await prefixedLogin()];
      const byId = await app.request({ method: 'DELETE', path: `/api/auth/devices/${a.device_id}`, headers: bearer(caller.token) });
      assert.equal(byId.status, 204, byId.text);
      const byHeader = await app.request({
        method: 'DELETE',
        path: '/api/auth/device-logout',
        headers: { ...bearer(caller.token), 'Device-Id': String(b.device_id) },
      });
      assert.equal(byHeader.status, 204, byHeader.text);
      const ids = (await app.devices()).map(({ id }) => id);
      assert.equal(ids.includes(a.device_id) || ids.includes(b.device_id), false);
      assert.ok(ids.includes(c.device_id));
      const others = await app.request({ method: 'POST', path: '/api/auth/devices/logout-others', headers: bearer(caller.token) });
      assert.equal(others.status, 200, others.text);
      assert.deepEqual((await app.devices()).map(({ id }) => id), [caller.device_id]);
    });

    it('mounts none of the routes at the root', async () => {
      const login = await prefixedLogin();
      const before = await app.devices();
      const auth = bearer(login.token);
      const routes: Array<[method: string, path: string, headers: Record<string, string>, body?: unknown]> = [
        ['POST', '/auth-token', {}, { username: 'alice', password: 'alice-password' }],
        ['POST', '/auth-token/', {}, { username: 'alice', password: 'alice-password' }],
        ['POST', '/device-refresh-token', { 'Permanent-Token': login.permanent_token }],
        ['GET', '/devices', auth],
        ['DELETE', `/devices/${login.device_id}`, auth],
        ['POST', '/devices/logout-others', auth],
        ['DELETE', '/device-logout', { ...auth, 'Device-Id': String(login.device_id) }],
        ['POST', '/auth-token/refresh', {}, { token: login.token }],
        ['POST', '/auth-token/verify', {}, { token: login.token }],
      ];
      for (const [method, path, headers, body] of routes) {
        assertNoRoute(await app.request({ method, path, headers, body }), method, path);
      }
      assert.deepEqual(await app.devices(), before);
    });
  });

  describe('routes: false', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { routes: false });
    });
    after(() => app.close());

    it('mounts none of the built-in routes', async () => {
      const routes: Array<[method: string, path: string, body?: unknown]> = [
        ['POST', '/auth-token', { username: 'alice', password: 'alice-password' }],
        ['POST', '/device-refresh-token'],
        ['GET', '/devices'],
        ['DELETE', '/devices/1'],
        ['POST', '/devices/logout-others'],
        ['DELETE', '/device-logout'],
        ['POST', '/auth-token/refresh', { token: 'x' }],
        ['POST', '/auth-token/verify', { token: 'x' }],
      ];
      for (const [method, path, body] of routes) {
        assertNoRoute(await app.request({ method, path, body }), method, path);
      }
      assert.deepEqual(await app.devices(), []);
    });

    it("still guards the app's routes with JwtDevicesAuthGuard", async () => {
      const sessions = app.app.get(SessionsService);
      const { body } = await sessions.login('alice', 'alice-password', { headers: { 'user-agent': 'app-code' } });
      const { token, device_id } = body as LoginBody;
      assert.equal((await app.devices()).length, 1);

      const profile = await app.request({ method: 'GET', path: '/profile', headers: bearer(token) });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.json, { id: 1, username: 'alice', device_id });
      assertUnauthorized(await app.request({ method: 'GET', path: '/profile' }), false);
      assertUnauthorized(await app.request({ method: 'GET', path: '/profile', headers: { Authorization: 'Bearer a.b.c' } }), true);
    });
  });
});
