import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Device } from '../../lib/index.js';
import { useTestApp, type LoginBody, type TestApp } from '../fixtures/test-app.js';
import { TestAppController } from '../fixtures/test-app.controller.js';
import { assertCleanError } from '../security/support/clean-errors.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestOptions } from '../support/http.js';

const COOKIE = 'access_token';
const CSRF_MESSAGE = 'A request authenticated by the cookie that changes state must send the X-Requested-With header.';
const JSON_LOGIN_MESSAGE = 'With cookie authentication, login accepts only a JSON body (Content-Type: application/json).';

/** What a cross-site page can send to login without a CORS preflight: form, multipart and text/plain bodies. */
const SIMPLE_LOGIN_BODIES: Array<[string, string, string | undefined]> = [
  ['a form-encoded body', 'username=alice&password=alice-password', 'application/x-www-form-urlencoded'],
  ['a multipart body', '--b\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nalice-password\r\n--b--\r\n', 'multipart/form-data; boundary=b'],
  ['JSON sent as text/plain', '{"username":"alice","password":"alice-password"}', 'text/plain'],
  ['JSON without a Content-Type', '{"username":"alice","password":"alice-password"}', undefined],
];

const deviceRows = (app: TestApp): Promise<Array<Record<string, unknown>>> =>
  app.devices().then((rows: Device[]) => rows.map((row) => ({ ...row })));

forEachServer((database) => {
  describe(`authCookie: '${COOKIE}': login takes only JSON, against login CSRF`, () => {
    const app = useTestApp(useFreshDatabase(database), { module: { authCookie: COOKIE } });

    for (const [name, body, contentType] of SIMPLE_LOGIN_BODIES) {
      it(`refuses ${name} with 415, sets no cookie and creates no device`, async () => {
        const before = await deviceRows(app());
        const response = await app().request({ method: 'POST', path: '/auth-token', body, contentType });
        assertCleanError(response, 415);
        // Fastify itself answers a body type it has no parser for (multipart, none) with a 415 of its own words.
        assert.ok([JSON_LOGIN_MESSAGE, 'Unsupported Media Type'].includes((response.json as { message: string }).message), response.text);
        assert.equal(response.headers['set-cookie'], undefined);
        assert.deepEqual(await deviceRows(app()), before);
      });
    }

    it('logs in with a JSON body (Content-Type with a charset too) and sets the cookie', async () => {
      const response = await app().request<LoginBody>({
        method: 'POST',
        path: '/auth-token',
        body: '{"username":"alice","password":"alice-password"}',
        contentType: 'application/json; charset=utf-8',
      });
      assert.equal(response.status, 200, response.text);
      assert.match(String(response.headers['set-cookie']), new RegExp(`^${COOKIE}=${response.json!.token};`));
    });
  });

  describe(`authCookie: '${COOKIE}': a state-changing request authenticated by the cookie must send X-Requested-With`, () => {
    const app = useTestApp(useFreshDatabase(database), { module: { authCookie: COOKIE } });
    let alice: LoginBody;
    let other: LoginBody;
    const cookie = (login: LoginBody) => ({ Cookie: `${COOKIE}=${login.token}` });
    before(async () => {
      alice = await app().login('alice');
      other = await app().login('alice');
    });

    /** The refusal: 403 with the message, no handler ran, and not one Device row changed. */
    async function assertForbidden(request: RequestOptions): Promise<HttpResponse> {
      const before = await deviceRows(app());
      const calls = TestAppController.calls;
      const response = await app().request(request);
      assertCleanError(response, 403, CSRF_MESSAGE, [alice.token, other.token]);
      assert.equal(TestAppController.calls, calls);
      assert.deepEqual(await deviceRows(app()), before, 'a Device row changed');
      return response;
    }

    it('refuses DELETE /devices/:id, DELETE /device-logout and POST /devices/logout-others with 403 and deletes nothing', async () => {
      await assertForbidden({ method: 'DELETE', path: `/devices/${other.device_id}`, headers: cookie(alice) });
      await assertForbidden({ method: 'DELETE', path: '/device-logout', headers: { ...cookie(alice), 'Device-Id': String(alice.device_id) } });
      await assertForbidden({ method: 'POST', path: '/devices/logout-others', headers: cookie(alice) });
    });

    it('refuses an empty X-Requested-With', async () => {
      await assertForbidden({ method: 'POST', path: '/devices/logout-others', headers: { ...cookie(alice), 'X-Requested-With': '' } });
    });

    it('refuses before reading the token: a forged cookie gets the same 403', async () => {
      await assertForbidden({ method: 'POST', path: '/devices/logout-others', headers: { Cookie: `${COOKIE}=a.b.c` } });
    });

    it('refuses under a bare AuthGuard(\'jwt-devices\') as well', async () => {
      const response = await app().request({ method: 'POST', path: '/app/bare-guard', headers: cookie(alice) });
      assertCleanError(response, 403, CSRF_MESSAGE);
      const allowed = await app().request({ method: 'POST', path: '/app/bare-guard', headers: { ...cookie(alice), 'X-Requested-With': 'XMLHttpRequest' } });
      assert.equal(allowed.status, 200, allowed.text);
    });

    it('leaves safe methods alone: GET with the cookie alone answers 200', async () => {
      const response = await app().request({ method: 'GET', path: '/devices', headers: cookie(alice) });
      assert.equal(response.status, 200, response.text);
      assert.equal((response.json as unknown[]).length, 2);
    });

    it('leaves requests with an Authorization header alone, even when a cookie is sent too', async () => {
      const response = await app().request({ method: 'DELETE', path: `/devices/${other.device_id}`, headers: { Authorization: `Bearer ${alice.token}`, ...cookie(alice) } });
      assert.equal(response.status, 204, response.text);
      assert.deepEqual((await app().devices()).map(({ id }) => id), [alice.device_id]);
    });

    it('accepts the cookie with X-Requested-With: the device is logged out', async () => {
      const response = await app().request({
        method: 'DELETE',
        path: '/device-logout',
        headers: { ...cookie(alice), 'X-Requested-With': 'XMLHttpRequest', 'Device-Id': String(alice.device_id) },
      });
      assert.equal(response.status, 204, response.text);
      assert.deepEqual(await app().devices(), []);
    });
  });

  describe('without authCookie nothing changes', () => {
    const app = useTestApp(useFreshDatabase(database));

    it('logs in with a form-encoded body', async () => {
      const response = await app().request({ method: 'POST', path: '/auth-token', body: 'username=bob&password=bob-password', contentType: 'application/x-www-form-urlencoded' });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['set-cookie'], undefined);
    });

    it('a header-authenticated POST needs no X-Requested-With, and a cookie authenticates nothing', async () => {
      const bob = await app().login('bob');
      const ignored = await app().request({ method: 'POST', path: '/devices/logout-others', headers: { Cookie: `${COOKIE}=${bob.token}` } });
      assert.equal(ignored.status, 401, ignored.text);
      const response = await app().request({ method: 'POST', path: '/devices/logout-others', headers: { Authorization: `Bearer ${bob.token}` } });
      assert.equal(response.status, 200, response.text);
    });
  });
});
