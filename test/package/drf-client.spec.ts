import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HTTP_ADAPTERS } from '../../sample-app/config/env.schema.js';
import { SampleAppProcess } from '../fixtures/sample-app-process.js';
import { DrfJwtDevicesClient, type DrfLogin } from './drf-jwt-devices-client.js';

// The fields of drf-jwt-devices' DeviceSerializer; this module adds `current`.
const DRF_DEVICE_FIELDS = ['created', 'details', 'id', 'last_request_datetime', 'name'];
const ALICE = { username: 'alice', password: 'alice-password-1' };
const BOB = { username: 'bob', password: 'bob-password-12' };
const USER_AGENT = 'okhttp/3.12.1';

// Each step builds on the one before, as the client's life does: login, use, refresh, list, log out.
for (const adapter of HTTP_ADAPTERS) {
  describe(`a drf-jwt-devices client against the sample app configured for it (${adapter})`, () => {
    let directory: string;
    let app: SampleAppProcess;
    let client: DrfJwtDevicesClient;
    let phone: DrfLogin;
    let browser: DrfLogin;
    let bobsDevice: DrfLogin;

    before(async () => {
      directory = mkdtempSync(join(tmpdir(), 'jwt-devices-drf-'));
      app = await SampleAppProcess.start({
        HTTP_ADAPTER: adapter,
        DATABASE_URL: `sqlite:${join(directory, 'drf.sqlite')}`,
        JWT_SECRET: 'drf-client-secret-of-at-least-32-bytes',
        JWT_DEVICES_AUTH_HEADER_PREFIXES: 'JWT',
        JWT_DEVICES_ROTATE_PERMANENT_TOKENS: 'false',
      });
      client = new DrfJwtDevicesClient(app.url, USER_AGENT);
    });
    after(async () => {
      await app?.stop();
      rmSync(directory, { recursive: true, force: true });
    });

    it('creates its users at POST /users/', async () => {
      for (const user of [ALICE, BOB]) {
        const created = await app.request<{ id: number; username: string }>({ method: 'POST', path: '/users/', body: user });
        assert.equal(created.status, 201, created.text);
        assert.equal(created.json!.username, user.username);
      }
    });

    it('logs in at /auth-token/: 200 with exactly token, permanent_token and a numeric device_id', async () => {
      const login = await client.login(ALICE, 'Nokia 3310');
      assert.equal(login.status, 200, login.text);
      assert.deepEqual(Object.keys(login.json!).sort(), ['device_id', 'permanent_token', 'token']);
      assert.equal(typeof login.json!.device_id, 'number');
      assert.equal(login.json!.token.split('.').length, 3);
      phone = login.json!;

      const other = await client.login(BOB, 'Pixel');
      assert.equal(other.status, 200, other.text);
      bobsDevice = other.json!;
    });

    it('uses the access token as `Authorization: JWT <token>` on the app routes', async () => {
      const profile = await client.get<{ username: string; device_id: number }>('/profile/', phone.token);
      assert.equal(profile.status, 200, profile.text);
      assert.equal(profile.json!.username, ALICE.username);
      assert.equal(profile.json!.device_id, phone.device_id);
    });

    it('is refused with the Bearer scheme when only JWT is configured, and every 401 names JWT', async () => {
      const bearer = await app.request({ method: 'GET', path: '/profile/', headers: { Authorization: `Bearer ${phone.token}` } });
      assert.equal(bearer.status, 401, bearer.text);
      assert.match(String(bearer.headers['www-authenticate']), /^JWT realm="api"/);

      const anonymous = await app.request({ method: 'GET', path: '/profile/' });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers['www-authenticate'], 'JWT realm="api"');
    });

    it('gets 400 at /device-refresh-token/ without a Permanent-Token or with an unknown one', async () => {
      assert.equal((await client.refresh(undefined)).status, 400);
      assert.equal((await client.refresh('23124csfdgfdhthfdfdf')).status, 400);
    });

    it('refreshes with its permanent token: 200 with only { token }, and the same permanent token keeps working', async () => {
      const first = await client.refresh(phone.permanent_token);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(Object.keys(first.json!), ['token']);
      assert.notEqual(first.json!.token, phone.token);

      const second = await client.refresh(phone.permanent_token);
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(Object.keys(second.json!), ['token']);

      for (const token of [first.json!.token, second.json!.token, phone.token]) {
        const profile = await client.get<{ device_id: number }>('/profile/', token);
        assert.equal(profile.status, 200, profile.text);
        assert.equal(profile.json!.device_id, phone.device_id);
      }
      phone = { ...phone, token: second.json!.token };
    });

    it('gets 400 for a Permanent-Token header on any other route, as PermittedHeadersMiddleware answered', async () => {
      const profile = await client.get('/profile/', phone.token, { 'Permanent-Token': phone.permanent_token });
      assert.equal(profile.status, 400, profile.text);
    });

    it("lists its own devices at /devices/ with drf's fields, by id, named by X-Device-Model or else the User-Agent", async () => {
      const form = await client.loginWithForm(ALICE);
      assert.equal(form.status, 200, form.text);
      browser = form.json!;

      const list = await client.devices(phone.token);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json!.map(({ id }) => id), [phone.device_id, browser.device_id]);
      for (const device of list.json!) {
        assert.deepEqual(Object.keys(device).filter((key) => !DRF_DEVICE_FIELDS.includes(key)), ['current']);
        assert.deepEqual(DRF_DEVICE_FIELDS.filter((key) => !(key in device)), []);
      }
      const [nokia, web] = list.json!;
      assert.deepEqual([nokia.name, nokia.details], ['Nokia 3310', USER_AGENT]);
      assert.deepEqual([web.name, web.details], [USER_AGENT, '']);
    });

    it("gets 400 at /device-logout/ without Device-Id, and 404 for another user's device, which stays", async () => {
      const missing = await client.logout(phone.token, undefined);
      assert.equal(missing.status, 400, missing.text);

      const foreign = await client.logout(phone.token, bobsDevice.device_id);
      assert.equal(foreign.status, 404, foreign.text);
      assert.equal((await client.devices(bobsDevice.token)).json!.length, 1);
    });

    it('logs a device out at /device-logout/ with Device-Id: 204, and the device is gone', async () => {
      const logout = await client.logout(phone.token, browser.device_id);
      assert.equal(logout.status, 204, logout.text);
      assert.deepEqual((await client.devices(phone.token)).json!.map(({ id }) => id), [phone.device_id]);
      assert.equal((await client.refresh(browser.permanent_token)).status, 400);
    });

    it("deletes a device at /devices/<id>/: 401 without a token, 404 for another user's, 204 for its own", async () => {
      const tablet = await client.login(ALICE, 'iPad');
      assert.equal(tablet.status, 200, tablet.text);

      assert.equal((await client.deleteDevice(undefined, tablet.json!.device_id)).status, 401);
      assert.equal((await client.deleteDevice(phone.token, bobsDevice.device_id)).status, 404);
      const own = await client.deleteDevice(phone.token, tablet.json!.device_id);
      assert.equal(own.status, 204, own.text);
      assert.deepEqual((await client.devices(phone.token)).json!.map(({ id }) => id), [phone.device_id]);
    });

    it('after logging out its own device, its access token gets 401 (drf: 404) and its permanent token 400', async () => {
      const logout = await client.logout(phone.token, phone.device_id);
      assert.equal(logout.status, 204, logout.text);

      const profile = await client.get('/profile/', phone.token);
      assert.equal(profile.status, 401, profile.text);
      assert.equal((await client.refresh(phone.permanent_token)).status, 400);
    });
  });
}
