import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TestApp, type AdapterName, type LoginBody } from '../fixtures/test-app.js';
import { TestAppController } from '../fixtures/test-app.controller.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestOptions } from '../support/http.js';

const UNAVAILABLE = {
  statusCode: 503,
  message: 'Authentication is temporarily unavailable; try again shortly.',
  error: 'Service Unavailable',
};
const ADAPTERS: AdapterName[] = ['express', 'fastify'];
/** What must never reach a client: SQL, driver and Node internals, stack frames, the app's own error text. */
const INTERNALS =
  /\b(SELECT|INSERT|UPDATE|DELETE FROM|DROP|jwt_devices_device|permanent_token_hash|QueryFailedError|TypeORM|SQLITE_\w+|ECONNREFUSED|pool|driver|stack)\b|\n\s+at |Error:|user store down/i;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The secrets of a login: neither they nor their hashes may appear in any answer. */
function secretsOf(login: LoginBody): string[] {
  return [login.token, login.permanent_token, sha256(login.permanent_token), login.token.split('.')[2]];
}

function assertNoLeak(response: HttpResponse, secrets: string[]): void {
  for (const secret of secrets) assert.equal(response.text.includes(secret), false, `the body carries a secret: ${response.text}`);
  assert.doesNotMatch(response.text, INTERNALS);
}

/** Exactly 503 with the fixed body and a Retry-After of whole seconds; never 200, never 500. */
function assertUnavailable(response: HttpResponse, secrets: string[]): void {
  assert.equal(response.status, 503, `expected 503, got ${response.status}: ${response.text}`);
  assert.deepEqual(response.json, UNAVAILABLE);
  assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
  assertNoLeak(response, secrets);
}

/** Every route that reads the user store or the Device table, as one logged-in device calls it. */
const ROUTES: Record<string, (login: LoginBody) => RequestOptions> = {
  login: () => ({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } }),
  'device refresh': (login) => ({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': login.permanent_token }, body: '' }),
  'GET /profile': (login) => ({ method: 'GET', path: '/profile', headers: bearer(login) }),
  'GET /devices': (login) => ({ method: 'GET', path: '/devices', headers: bearer(login) }),
  'DELETE /device-logout': (login) => ({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(login), 'Device-Id': String(login.device_id) } }),
  'DELETE /devices/:id': (login) => ({ method: 'DELETE', path: `/devices/${login.device_id}`, headers: bearer(login) }),
  'POST /devices/logout-others': (login) => ({ method: 'POST', path: '/devices/logout-others', headers: bearer(login), body: '' }),
  'POST /auth-token/verify': (login) => ({ method: 'POST', path: '/auth-token/verify', body: { token: login.token } }),
};

function bearer(login: LoginBody): Record<string, string> {
  return { Authorization: `Bearer ${login.token}` };
}

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  for (const adapter of ADAPTERS) {
    describe(`a failing user store (${adapter})`, () => {
      let app: TestApp;
      let alice: LoginBody;
      let other: LoginBody;
      before(async () => {
        app = await TestApp.start(db(), { adapter });
        alice = await app.login('alice');
        other = await app.login('alice');
      });
      after(() => app.close());

      for (const [name, route] of Object.entries(ROUTES)) {
        it(`${name} answers 503 with Retry-After, leaks nothing and changes no Device row`, async () => {
          const rowsBefore = await app.devices();
          const callsBefore = TestAppController.calls;
          app.users.failing = true;
          let response: HttpResponse;
          try {
            response = await app.request(route(alice));
          } finally {
            app.users.failing = false;
          }
          assertUnavailable(response, [...secretsOf(alice), ...secretsOf(other)]);
          assert.equal(TestAppController.calls, callsBefore);
          assert.deepEqual(await app.devices(), rowsBefore);
        });
      }

      it('once the store is back, the same token and permanent token work', async () => {
        const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${alice.token}` } });
        assert.equal(profile.status, 200, profile.text);
        const refresh = await app.request({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': alice.permanent_token }, body: '' });
        assert.equal(refresh.status, 200, refresh.text);
      });
    });

    describe(`a destroyed DataSource (${adapter})`, () => {
      let app: TestApp;
      let alice: LoginBody;
      let rowsBefore: unknown[];
      before(async () => {
        app = await TestApp.start(db(), { adapter });
        alice = await app.login('alice');
        rowsBefore = await app.devices();
        await app.dataSource.destroy();
      });
      after(async () => {
        if (!app.dataSource.isInitialized) await app.dataSource.initialize().catch(() => undefined);
        await app.close();
      });

      for (const [name, route] of Object.entries(ROUTES)) {
        it(`${name} answers 503 with Retry-After and leaks nothing`, async () => {
          const callsBefore = TestAppController.calls;
          const response = await app.request(route(alice));
          assertUnavailable(response, secretsOf(alice));
          assert.equal(TestAppController.calls, callsBefore);
        });
      }

      it('when the database is back, nothing was deleted, rotated or created, and the tokens work', async () => {
        await app.dataSource.initialize();
        assert.deepEqual(await app.devices(), rowsBefore);
        const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${alice.token}` } });
        assert.equal(profile.status, 200, profile.text);
        const refresh = await app.request({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': alice.permanent_token }, body: '' });
        assert.equal(refresh.status, 200, refresh.text);
      });
    });
  }

  describe('a dropped Device table', () => {
    let app: TestApp;
    let alice: LoginBody;
    before(async () => {
      app = await TestApp.start(db());
      alice = await app.login('alice');
      await app.dataSource.query('DROP TABLE jwt_devices_device');
    });
    after(() => app.close());

    for (const [name, route] of Object.entries(ROUTES)) {
      it(`${name} answers 503 with Retry-After and leaks no SQL`, async () => {
        const response = await app.request(route(alice));
        assertUnavailable(response, secretsOf(alice));
      });
    }

    it('when the table is back, logins work again without a restart', async () => {
      await app.dataSource.synchronize();
      const response = await app.request<LoginBody>({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } });
      assert.equal(response.status, 200, response.text);
      assert.equal((await app.devices()).length, 1);
    });
  });
});
