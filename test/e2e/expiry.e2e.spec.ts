import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';
import { TokensService } from '../../lib/index.js';
import { TestApp } from '../fixtures/test-app.js';

const INVALID_PERMANENT_TOKEN = { statusCode: 400, message: 'Invalid permanent token.', error: 'Bad Request' };
const INVALID_ACCESS_TOKEN = { statusCode: 401, message: 'Invalid or expired access token.', error: 'Unauthorized' };
const MINUTE = 60;
const HOUR = 60 * MINUTE;

interface RefreshBody {
  token: string;
  permanent_token?: string;
}

function refresh(app: TestApp, permanentToken: string): Promise<HttpResponse<RefreshBody>> {
  return app.request<RefreshBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': permanentToken } });
}

function logoutDevice(app: TestApp, accessToken: string, deviceId: number): Promise<HttpResponse> {
  return app.request({
    method: 'DELETE',
    path: '/device-logout',
    headers: { Authorization: `Bearer ${accessToken}`, 'Device-Id': String(deviceId) },
  });
}

function profile(app: TestApp, accessToken: string): Promise<HttpResponse> {
  return app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${accessToken}` } });
}

async function deviceIds(app: TestApp): Promise<number[]> {
  return (await app.devices()).map(({ id }) => id);
}

async function lastRequestMs(app: TestApp, deviceId: number): Promise<number> {
  const device = (await app.devices()).find(({ id }) => id === deviceId);
  assert.ok(device, `device ${deviceId} exists`);
  return device.lastRequestDatetime;
}

/**
 * A valid access token for a device, signed now. Where access tokens live no longer than the idle
 * window, the login's own token has expired by the time its device has: this one has not.
 */
async function freshAccessToken(app: TestApp, deviceId: number): Promise<string> {
  const device = (await app.devices()).find(({ id }) => id === deviceId);
  assert.ok(device, `device ${deviceId} exists`);
  const user = await app.users.findById(Number(device.userId));
  assert.ok(user, `the user of device ${deviceId} exists`);
  return app.app.get(TokensService).issueAccessToken(user, device);
}

function assertRefused(response: HttpResponse): void {
  assert.equal(response.status, 400, response.text);
  assert.deepEqual(response.json, INVALID_PERMANENT_TOKEN);
}

function assertUnauthorized(response: HttpResponse): void {
  assert.equal(response.status, 401, response.text);
  assert.deepEqual(response.json, INVALID_ACCESS_TOKEN);
}

forEachServer((database) => {
  describe('idle expiry (permanentTokenExpirationDelta: 1h)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { permanentTokenExpirationDelta: '1h', accessTokenTtl: '1h' } });
    });
    after(() => app.close());

    it('refreshes a device unused for just under the idle window', async () => {
      const login = await app.login('alice');
      app.clock.advance(HOUR - 1);
      const response = await refresh(app, login.permanent_token);
      assert.equal(response.status, 200, response.text);
      assert.ok((await deviceIds(app)).includes(login.device_id));
    });

    it('refuses a device unused for longer than the idle window with 400, deletes it, and its access tokens then get 401', async () => {
      const login = await app.login('alice');
      app.clock.advance(30 * MINUTE);
      const fresh = await app.login('alice');
      app.clock.advance(30 * MINUTE);
      const lateToken = await freshAccessToken(app, login.device_id);
      assert.equal((await profile(app, lateToken)).status, 200, 'the device is alive at exactly the idle window');
      app.clock.advance(1);

      assertRefused(await refresh(app, login.permanent_token));
      const ids = await deviceIds(app);
      assert.equal(ids.includes(login.device_id), false, 'the expired device is deleted');
      assert.ok(ids.includes(fresh.device_id), 'a device used within the window stays');
      assertUnauthorized(await profile(app, lateToken));
      assertUnauthorized(await profile(app, login.token));
      assert.equal((await profile(app, fresh.token)).status, 200);
    });

    it('answers a still-valid access token of an idle-expired device with 401 and deletes the device', async () => {
      const login = await app.login('alice');
      app.clock.advance(HOUR + 1);
      const accessToken = await freshAccessToken(app, login.device_id);
      assertUnauthorized(await profile(app, accessToken));
      assert.equal((await deviceIds(app)).includes(login.device_id), false);
      assertRefused(await refresh(app, login.permanent_token));
    });

    it('keeps a device alive past the idle window as long as it refreshes within it', async () => {
      const login = await app.login('alice');
      let permanentToken = login.permanent_token;
      for (let round = 0; round < 4; round++) {
        app.clock.advance(50 * MINUTE);
        const response = await refresh(app, permanentToken);
        assert.equal(response.status, 200, `refresh ${round + 1}: ${response.text}`);
        permanentToken = response.json!.permanent_token!;
      }
      assert.ok((await deviceIds(app)).includes(login.device_id));
    });
  });

  describe('access tokens that outlive the idle window (accessTokenTtl: 2h, permanentTokenExpirationDelta: 1h)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { accessTokenTtl: 2 * HOUR, permanentTokenExpirationDelta: HOUR, permanentTokenExpirationAccuracy: MINUTE } });
    });
    after(() => app.close());

    it("answers the login's own unexpired access token with 401 once its device has idled past 1h, and deletes the device", async () => {
      const login = await app.login('alice');
      const { exp } = JSON.parse(Buffer.from(login.token.split('.')[1], 'base64url').toString()) as { exp: number };
      app.clock.advance(HOUR - 1);
      assert.equal((await profile(app, login.token)).status, 200, 'the device is alive within the idle window');
      app.clock.advance(2);
      assert.ok(exp * 1000 > app.clock.now().getTime(), 'the access token itself has not expired');

      assertUnauthorized(await profile(app, login.token));
      assert.equal((await deviceIds(app)).includes(login.device_id), false, 'the idle-expired device is deleted');
      assertRefused(await refresh(app, login.permanent_token));
    });
  });

  describe('absolute lifetime (permanentTokenMaxAge: 2h, permanentTokenExpirationDelta: 1h)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), {
        module: { permanentTokenMaxAge: '2h', permanentTokenExpirationDelta: '1h', accessTokenTtl: '1h' },
      });
    });
    after(() => app.close());

    it('is never extended by refreshes: refreshing every 50 minutes works until 2h after login, then 400 and the device is gone', async () => {
      const login = await app.login('alice');
      let current = { token: login.token, permanent_token: login.permanent_token };
      for (const step of [50 * MINUTE, 50 * MINUTE, 19 * MINUTE + 59]) {
        app.clock.advance(step);
        const response = await refresh(app, current.permanent_token);
        assert.equal(response.status, 200, response.text);
        current = { token: response.json!.token, permanent_token: response.json!.permanent_token! };
      }
      app.clock.advance(2);

      assertRefused(await refresh(app, current.permanent_token));
      assert.equal((await deviceIds(app)).includes(login.device_id), false, 'the device is deleted');
      assertUnauthorized(await profile(app, current.token));
    });

    it('answers an access token of a device past its max age with 401, though the device was refreshed two minutes ago', async () => {
      const login = await app.login('alice');
      let permanentToken = login.permanent_token;
      let accessToken = login.token;
      for (const step of [59 * MINUTE, 59 * MINUTE]) {
        app.clock.advance(step);
        const refreshed = await refresh(app, permanentToken);
        assert.equal(refreshed.status, 200, refreshed.text);
        permanentToken = refreshed.json!.permanent_token!;
        accessToken = refreshed.json!.token;
      }
      app.clock.advance(2 * MINUTE + 1);
      assertUnauthorized(await profile(app, accessToken));
      assert.equal((await deviceIds(app)).includes(login.device_id), false);
    });
  });

  describe('last-request accuracy without rotation (permanentTokenExpirationAccuracy: 30m)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), {
        module: { rotatePermanentTokens: false, permanentTokenExpirationAccuracy: '30m', accessTokenTtl: '6h' },
      });
    });
    after(() => app.close());

    it('does not write the last-request time on a refresh 10 minutes after the last write', async () => {
      const login = await app.login('alice');
      const written = await lastRequestMs(app, login.device_id);
      app.clock.advance(10 * MINUTE);
      assert.equal((await refresh(app, login.permanent_token)).status, 200);
      assert.equal(await lastRequestMs(app, login.device_id), written);
    });

    it('writes the last-request time (the clock time) on a refresh 31 minutes after the last write, and not again 10 minutes later', async () => {
      const login = await app.login('alice');
      const loggedIn = await lastRequestMs(app, login.device_id);
      app.clock.advance(31 * MINUTE);
      assert.equal((await refresh(app, login.permanent_token)).status, 200);
      const written = await lastRequestMs(app, login.device_id);
      assert.notEqual(written, loggedIn);
      assert.equal(written, app.clock.now().getTime());

      app.clock.advance(10 * MINUTE);
      assert.equal((await refresh(app, login.permanent_token)).status, 200);
      assert.equal(await lastRequestMs(app, login.device_id), written);
    });

    it('never writes the last-request time on ordinary authenticated requests', async () => {
      const login = await app.login('alice');
      const written = await lastRequestMs(app, login.device_id);
      for (const step of [MINUTE, 31 * MINUTE, 45 * MINUTE]) {
        app.clock.advance(step);
        assert.equal((await profile(app, login.token)).status, 200);
        const devices = await app.request({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${login.token}` } });
        assert.equal(devices.status, 200);
      }
      assert.equal(await lastRequestMs(app, login.device_id), written);
    });
  });

  describe('maxDevicesPerUser: 2', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { maxDevicesPerUser: 2 } });
    });
    after(() => app.close());

    it("logs out the user's least recently used device on a third login, and only that one", async () => {
      const bob = await app.login('bob');
      const first = await app.login('alice');
      app.clock.advance(MINUTE);
      const second = await app.login('alice');
      app.clock.advance(MINUTE);
      const third = await app.login('alice');

      const ids = await deviceIds(app);
      assert.deepEqual(ids, [bob.device_id, second.device_id, third.device_id]);
      assertUnauthorized(await profile(app, first.token));
      assertRefused(await refresh(app, first.permanent_token));
      for (const kept of [bob, second, third]) assert.equal((await profile(app, kept.token)).status, 200);
    });

    it('evicts by last use, not by age: a device refreshed since is kept and the idle one goes', async () => {
      app.users.add('carol', 'carol-password');
      const older = await app.login('carol');
      app.clock.advance(MINUTE);
      const idle = await app.login('carol');
      app.clock.advance(MINUTE);
      assert.equal((await refresh(app, older.permanent_token)).status, 200);
      app.clock.advance(MINUTE);
      const newest = await app.login('carol');

      const carols = (await app.devices()).filter((device) => device.userId === String(app.users.byName('carol').id));
      assert.deepEqual(carols.map(({ id }) => id), [older.device_id, newest.device_id]);
      assertUnauthorized(await profile(app, idle.token));
    });
  });

  describe('maxDevicesPerUser: 1', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { maxDevicesPerUser: 1 } });
    });
    after(() => app.close());

    it('lets a login in when the old device was last used "later" by a clock running ahead, and logs that old device out', async () => {
      const old = await app.login('alice');
      app.clock.advance(MINUTE);
      assert.equal((await refresh(app, old.permanent_token)).status, 200);
      // This login's clock runs a second behind the instance that served the refresh.
      app.clock.advance(-1);
      const login = await app.request<{ token: string; device_id: number }>({
        method: 'POST',
        path: '/auth-token',
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.equal(login.status, 200, login.text);
      assert.deepEqual(await deviceIds(app), [login.json!.device_id]);
      assert.equal((await profile(app, login.json!.token)).status, 200);
      assertUnauthorized(await profile(app, old.token));
    });
  });

  describe('deviceCacheTtl: 0 (the default)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
    });
    after(() => app.close());

    it('fails the access token of a device logged out through DELETE /device-logout at once', async () => {
      const login = await app.login('alice');
      assert.equal((await profile(app, login.token)).status, 200);
      const logout = await logoutDevice(app, login.token, login.device_id);
      assert.equal(logout.status, 204, logout.text);
      assertUnauthorized(await profile(app, login.token));
    });

    it('fails the access token of a device deleted by another process at once', async () => {
      const login = await app.login('alice');
      assert.equal((await profile(app, login.token)).status, 200);
      await app.dataSource.query(`DELETE FROM jwt_devices_device WHERE id = ${Number(login.device_id)}`);
      assertUnauthorized(await profile(app, login.token));
    });
  });

  describe('deviceCacheTtl: 30', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { deviceCacheTtl: 30 } });
    });
    after(() => app.close());

    it('keeps a device deleted by another process working until the cache entry is 30 s old, then 401', async () => {
      const login = await app.login('alice');
      assert.equal((await profile(app, login.token)).status, 200);
      await app.dataSource.query(`DELETE FROM jwt_devices_device WHERE id = ${Number(login.device_id)}`);
      assert.equal((await profile(app, login.token)).status, 200, 'served from the cache');
      app.clock.advance(29);
      assert.equal((await profile(app, login.token)).status, 200, 'still within the cache TTL');
      app.clock.advance(2);
      assertUnauthorized(await profile(app, login.token));
    });

    it('fails a device logged out through this app (DELETE /device-logout) at once', async () => {
      const login = await app.login('alice');
      assert.equal((await profile(app, login.token)).status, 200);
      const logout = await logoutDevice(app, login.token, login.device_id);
      assert.equal(logout.status, 204, logout.text);
      assertUnauthorized(await profile(app, login.token));
    });

    it('fails devices logged out through POST /devices/logout-others at once, and keeps the caller', async () => {
      const other = await app.login('alice');
      const caller = await app.login('alice');
      assert.equal((await profile(app, other.token)).status, 200);
      assert.equal((await profile(app, caller.token)).status, 200);
      const response = await app.request<{ revoked: number }>({
        method: 'POST',
        path: '/devices/logout-others',
        headers: { Authorization: `Bearer ${caller.token}` },
      });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { revoked: 1 });
      assertUnauthorized(await profile(app, other.token));
      assert.equal((await profile(app, caller.token)).status, 200);
      assert.deepEqual(await deviceIds(app), [caller.device_id]);
    });

    it('fails the access tokens of a device revoked for permanent-token reuse at once', async () => {
      const login = await app.login('alice');
      assert.equal((await profile(app, login.token)).status, 200);
      const rotated = await refresh(app, login.permanent_token);
      assert.equal(rotated.status, 200, rotated.text);
      assert.equal((await profile(app, rotated.json!.token)).status, 200);
      app.clock.advance(11);
      assertRefused(await refresh(app, login.permanent_token));
      assertUnauthorized(await profile(app, login.token));
      assertUnauthorized(await profile(app, rotated.json!.token));
    });
  });

  describe('deviceCacheTtl: 30 without rotation (permanentTokenExpirationDelta: 1h)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), {
        module: { deviceCacheTtl: 30, rotatePermanentTokens: false, permanentTokenExpirationDelta: '1h', accessTokenTtl: '1h' },
      });
    });
    after(() => app.close());

    it('does not refuse a device a refresh just kept alive because an older copy of it is cached', async () => {
      const login = await app.login('alice');
      app.clock.advance(HOUR - 20);
      // Cached with its login-time last request, 20 s before that copy would look idle.
      assert.equal((await profile(app, login.token)).status, 200);
      const refreshed = await refresh(app, login.permanent_token);
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(await lastRequestMs(app, login.device_id), app.clock.now().getTime(), 'the refresh wrote the last-request time');
      app.clock.advance(25);
      assert.equal((await profile(app, refreshed.json!.token)).status, 200, 'the device is alive: refreshed 25 s ago');
      assert.ok((await deviceIds(app)).includes(login.device_id));
    });
  });
});
