import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger, QueryRunner } from 'typeorm';
import { JwtDevicesAuthGuard } from '../../lib/index.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestHeaders } from '../support/http.js';
import { ProtectedByDefaultController, PublicAwareAuthGuard } from '../fixtures/protected-by-default.controller.js';
import { useTestApp, type TestApp } from '../fixtures/test-app.js';

const CHALLENGE = 'Bearer realm="api"';
const HEADER_RULE_MESSAGE = /Permanent-Token/;

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function assertUnauthorized(response: HttpResponse): void {
  assert.equal(response.status, 401, response.text);
  assert.deepEqual(Object.keys(response.json as object).sort(), ['error', 'message', 'statusCode']);
  assert.equal(response.headers['www-authenticate'], CHALLENGE);
}

/** Sends a request and asserts that no handler of ProtectedByDefaultController ran. */
async function refusedBeforeHandler(app: TestApp, path: string, headers: RequestHeaders = {}): Promise<HttpResponse> {
  const calls = ProtectedByDefaultController.calls;
  const response = await app.request({ method: 'GET', path, headers });
  assert.equal(ProtectedByDefaultController.calls, calls, `the handler of ${path} must not run`);
  return response;
}

/** The reads one request costs: SELECTs of the device table, and calls of the app's userService.findById. */
async function countReads(app: TestApp, work: () => Promise<HttpResponse>): Promise<{ response: HttpResponse; deviceSelects: number; userReads: number }> {
  const logger = app.dataSource.logger as Logger;
  const logQuery = logger.logQuery;
  const findById = app.users.findById;
  let deviceSelects = 0;
  let userReads = 0;
  logger.logQuery = function (query: string, parameters?: unknown[], queryRunner?: QueryRunner) {
    if (/^\s*SELECT\b/i.test(query) && /jwt_devices_device/.test(query)) deviceSelects++;
    return logQuery.call(this, query, parameters, queryRunner);
  };
  app.users.findById = (id) => {
    userReads++;
    return findById.call(app.users, id);
  };
  try {
    return { response: await work(), deviceSelects, userReads };
  } finally {
    logger.logQuery = logQuery;
    app.users.findById = findById;
  }
}

forEachServer((database) => {
  const db = useFreshDatabase(database);

  describe('JwtDevicesAuthGuard registered globally (APP_GUARD)', () => {
    const app = useTestApp(db, { globalGuard: JwtDevicesAuthGuard, module: { allowRefresh: true } });

    describe('app routes', () => {
      it('an unmarked route answers 401 with the challenge without a token, and its handler never runs', async () => {
        assertUnauthorized(await refusedBeforeHandler(app(), '/by-default/closed'));
      });

      it('an unmarked route answers 200 with the user of a valid access token', async () => {
        const login = await app().login('alice');
        const response = await app().request({ method: 'GET', path: '/by-default/closed', headers: bearer(login.token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, { id: app().users.byName('alice').id, username: 'alice' });
      });

      it('an @AllowAnonymous() route answers without a token, and with a bad one, and authenticates no one', async () => {
        for (const headers of [{}, bearer('not-a-token')]) {
          const response = await app().request({ method: 'GET', path: '/by-default/open', headers });
          assert.equal(response.status, 200, response.text);
          assert.deepEqual(response.json, { ok: true, user: null });
        }
      });

      it("the app's own @Public() metadata means nothing to the guard itself: 401", async () => {
        assertUnauthorized(await refusedBeforeHandler(app(), '/by-default/app-public'));
      });

      it('a route guarded again by a subclass still gets that subclass\'s rule: bob 403, alice 200', async () => {
        const bob = await app().login('bob');
        const refused = await refusedBeforeHandler(app(), '/by-default/alice-only', bearer(bob.token));
        assert.equal(refused.status, 403, refused.text);
        const alice = await app().login('alice');
        const allowed = await app().request({ method: 'GET', path: '/by-default/alice-only', headers: bearer(alice.token) });
        assert.equal(allowed.status, 200, allowed.text);
        assert.deepEqual(allowed.json, { id: app().users.byName('alice').id });
      });
    });

    describe("the module's routes answer as without the global guard", () => {
      it('login answers 200 { token, permanent_token, device_id } and stores the device', async () => {
        const password = app().users.byName('alice').password;
        const response = await app().request<{ device_id: number }>({ method: 'POST', path: '/auth-token', body: { username: 'alice', password } });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(Object.keys(response.json!).sort(), ['device_id', 'permanent_token', 'token']);
        const row = (await app().devices()).find((device) => device.id === response.json!.device_id);
        assert.equal(row?.userId, String(app().users.byName('alice').id));
      });

      it('device refresh answers 200 with a rotated permanent token, whose access token authenticates on the same device', async () => {
        const login = await app().login('alice');
        const response = await app().request<{ token: string; permanent_token: string }>({
          method: 'POST',
          path: '/device-refresh-token',
          headers: { 'Permanent-Token': login.permanent_token },
        });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(Object.keys(response.json!).sort(), ['permanent_token', 'token']);
        assert.notEqual(response.json!.permanent_token, login.permanent_token);
        const profile = await app().request({ method: 'GET', path: '/profile', headers: bearer(response.json!.token) });
        assert.deepEqual(profile.json, { id: app().users.byName('alice').id, username: 'alice', device_id: login.device_id });
      });

      it('device refresh with no Permanent-Token answers its own 400, not 401', async () => {
        const response = await app().request({ method: 'POST', path: '/device-refresh-token' });
        assert.equal(response.status, 400, response.text);
        assert.equal(response.headers['www-authenticate'], undefined);
      });

      it('verify and token refresh answer 200 without an Authorization header', async () => {
        const login = await app().login('alice');
        const verified = await app().request({ method: 'POST', path: '/auth-token/verify', body: { token: login.token } });
        assert.equal(verified.status, 200, verified.text);
        assert.deepEqual(verified.json, { token: login.token });
        app().clock.advance(1);
        const refreshed = await app().request<{ token: string }>({ method: 'POST', path: '/auth-token/refresh', body: { token: login.token } });
        assert.equal(refreshed.status, 200, refreshed.text);
        assert.notEqual(refreshed.json!.token, login.token);
      });

      it('GET /devices answers 401 without a token and the caller\'s devices with one', async () => {
        assertUnauthorized(await app().request({ method: 'GET', path: '/devices' }));
        app().users.add('lister', 'lister-password');
        const first = await app().login('lister');
        const second = await app().login('lister');
        const response = await app().request<Array<{ id: number; current: boolean }>>({ method: 'GET', path: '/devices', headers: bearer(second.token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json!.map(({ id, current }) => ({ id, current })), [
          { id: first.device_id, current: false },
          { id: second.device_id, current: true },
        ]);
      });

      it('DELETE /device-logout and DELETE /devices/:id answer 204 and delete the row', async () => {
        const first = await app().login('alice');
        const second = await app().login('alice');
        const logout = await app().request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(first.token), 'Device-Id': String(first.device_id) } });
        assert.equal(logout.status, 204, logout.text);
        const removed = await app().request({ method: 'DELETE', path: `/devices/${second.device_id}`, headers: bearer(second.token) });
        assert.equal(removed.status, 204, removed.text);
        const ids = (await app().devices()).map(({ id }) => id);
        assert.ok(!ids.includes(first.device_id) && !ids.includes(second.device_id), `both devices are gone: ${ids.join(',')}`);
      });

      it('POST /devices/logout-others answers 200 { revoked } and leaves only the current device', async () => {
        app().users.add('others', 'others-password');
        await app().login('others');
        await app().login('others');
        const current = await app().login('others');
        const response = await app().request({ method: 'POST', path: '/devices/logout-others', headers: bearer(current.token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, { revoked: 2 });
        const userId = String(app().users.byName('others').id);
        assert.deepEqual((await app().devices()).filter((device) => device.userId === userId).map(({ id }) => id), [current.device_id]);
      });
    });

    describe('one authentication per request', () => {
      it('a route with its own @UseGuards(JwtDevicesAuthGuard) reads the device and the user once, not twice', async () => {
        const login = await app().login('alice');
        const { response, deviceSelects, userReads } = await countReads(app(), () =>
          app().request({ method: 'GET', path: '/profile', headers: bearer(login.token) }),
        );
        assert.equal(response.status, 200, response.text);
        assert.deepEqual({ deviceSelects, userReads }, { deviceSelects: 1, userReads: 1 });
      });

      it("GET /devices (the module's guarded controller) reads the device once for the guard, once for the list", async () => {
        const login = await app().login('alice');
        const { response, deviceSelects, userReads } = await countReads(app(), () =>
          app().request({ method: 'GET', path: '/devices', headers: bearer(login.token) }),
        );
        assert.equal(response.status, 200, response.text);
        assert.deepEqual({ deviceSelects, userReads }, { deviceSelects: 2, userReads: 1 });
      });
    });

    describe('the Permanent-Token header rule (CONTRACT §5)', () => {
      it('still answers 400 on an @AllowAnonymous() route, before its handler', async () => {
        const login = await app().login('alice');
        const response = await refusedBeforeHandler(app(), '/by-default/open', { 'Permanent-Token': login.permanent_token });
        assert.equal(response.status, 400, response.text);
        assert.match((response.json as { message: string }).message, HEADER_RULE_MESSAGE);
      });

      it("still answers 400 on the module's exempt routes, and the token is not verified", async () => {
        const login = await app().login('alice');
        const response = await app().request({
          method: 'POST',
          path: '/auth-token/verify',
          headers: { 'Permanent-Token': login.permanent_token },
          body: { token: login.token },
        });
        assert.equal(response.status, 400, response.text);
        assert.match((response.json as { message: string }).message, HEADER_RULE_MESSAGE);
      });

      it('answers 400 before authentication on a guarded route, even with a valid access token', async () => {
        const login = await app().login('alice');
        const response = await refusedBeforeHandler(app(), '/by-default/closed', { ...bearer(login.token), 'Permanent-Token': login.permanent_token });
        assert.equal(response.status, 400, response.text);
        assert.match((response.json as { message: string }).message, HEADER_RULE_MESSAGE);
      });
    });
  });

  describe("a global subclass whose isPublic hook also honours the app's own @Public()", () => {
    const app = useTestApp(db, { globalGuard: PublicAwareAuthGuard });

    it('a @Public() route answers 200 without a token', async () => {
      const response = await app().request({ method: 'GET', path: '/by-default/app-public' });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { ok: true });
    });

    it('@AllowAnonymous() still exempts, and unmarked routes still need a token', async () => {
      const open = await app().request({ method: 'GET', path: '/by-default/open' });
      assert.equal(open.status, 200, open.text);
      assertUnauthorized(await refusedBeforeHandler(app(), '/by-default/closed'));
    });

    it("the module's login and device refresh still answer 200", async () => {
      const login = await app().login('bob');
      const response = await app().request({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': login.permanent_token } });
      assert.equal(response.status, 200, response.text);
    });
  });

  describe('globally with headerRules: false', () => {
    const app = useTestApp(db, { globalGuard: JwtDevicesAuthGuard, module: { headerRules: false } });

    it('an @AllowAnonymous() route lets a Permanent-Token header through: the rule is switched off there', async () => {
      const login = await app().login('alice');
      const calls = ProtectedByDefaultController.calls;
      const response = await app().request({ method: 'GET', path: '/by-default/open', headers: { 'Permanent-Token': login.permanent_token } });
      assert.equal(response.status, 200, response.text);
      assert.equal(ProtectedByDefaultController.calls, calls + 1);
    });

    it('a guarded route still answers 400 first, as under @UseGuards', async () => {
      const login = await app().login('alice');
      const response = await refusedBeforeHandler(app(), '/by-default/closed', { ...bearer(login.token), 'Permanent-Token': login.permanent_token });
      assert.equal(response.status, 400, response.text);
      assert.match((response.json as { message: string }).message, HEADER_RULE_MESSAGE);
    });
  });
});
