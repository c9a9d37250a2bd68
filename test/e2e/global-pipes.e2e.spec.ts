import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADAPTERS, testDatabases, useFreshDatabase } from '../support/databases.js';
import { GLOBAL_PIPE_SETUPS } from '../support/global-pipes.js';
import type { HttpResponse } from '../support/http.js';
import { assertNestError } from '../support/nest-error.js';
import { useTestApp } from '../fixtures/test-app.js';

// Nesting inside the 100 KiB body limit, far past the ~5,000 levels where class-transformer's recursion overflows.
const DEEP_ARRAY = '['.repeat(20_000) + ']'.repeat(20_000);
const DEEP_OBJECT = '{"a":'.repeat(15_000) + '1' + '}'.repeat(15_000);
const DEEP_FIELD = `{"username":${DEEP_ARRAY},"password":"x","token":${DEEP_ARRAY}}`;
const WIDE_OBJECT = JSON.stringify(Object.fromEntries(Array.from({ length: 9_000 }, (_, i) => [`k${i}`, 0])));

/** The contract's answer to a body that is not a JSON object, or has no usable fields, whatever the app's pipe. */
function assertBadBody(response: HttpResponse, message: string | string[]): void {
  const body = assertNestError(response, 400, 'Bad Request');
  assert.deepEqual(body.message, message);
}

for (const database of testDatabases()) {
  for (const adapter of ADAPTERS) {
    for (const setup of GLOBAL_PIPE_SETUPS) {
      describe(`[${database.name} · ${adapter} · ${setup.name}] the module's routes as in the contract`, () => {
        const db = useFreshDatabase(database);
        const app = useTestApp(() => ({ ...db(), adapter }), { globalPipe: setup.options ?? null, module: { allowRefresh: true } });

        it('logs in with JSON and with a form, ignores extra fields, and creates one device each', async () => {
          const json = await app().request<Record<string, unknown>>({
            method: 'POST',
            path: '/auth-token',
            body: { username: 'alice', password: 'alice-password', remember: true },
          });
          assert.equal(json.status, 200, json.text);
          assert.deepEqual(Object.keys(json.json!).sort(), ['device_id', 'permanent_token', 'token']);
          const form = await app().request<Record<string, unknown>>({
            method: 'POST',
            path: '/auth-token/',
            body: 'username=bob&password=bob-password&extra=1',
            contentType: 'application/x-www-form-urlencoded',
          });
          assert.equal(form.status, 200, form.text);
          const devices = await app().devices();
          assert.deepEqual(
            devices.map((device) => device.id),
            [json.json!.device_id, form.json!.device_id],
          );
        });

        it('refuses bad login bodies with the module\'s own per-field messages, creating no device', async () => {
          const before = await app().devices();
          assertBadBody(await app().request({ method: 'POST', path: '/auth-token', body: { username: 'alice' } }), ['password is required']);
          assertBadBody(await app().request({ method: 'POST', path: '/auth-token', body: { username: 7, password: ' ' } }), ['username must be a string']);
          assertBadBody(await app().request({ method: 'POST', path: '/auth-token', body: [1, 2] }), 'Request body must be a JSON object.');
          assertBadBody(await app().request({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'wrong' } }), 'Unable to log in with provided credentials.');
          assert.deepEqual(await app().devices(), before);
        });

        it('answers JSON of any depth or width with 400 on login, verify and refresh, never 500', async () => {
          const before = await app().devices();
          for (const path of ['/auth-token', '/auth-token/verify', '/auth-token/refresh']) {
            const fieldMessage = path === '/auth-token' ? ['username must be a string'] : ['token must be a string'];
            const missingMessage = path === '/auth-token' ? ['username is required', 'password is required'] : ['token is required'];
            assertBadBody(await app().request({ method: 'POST', path, body: DEEP_ARRAY, contentType: 'application/json' }), 'Request body must be a JSON object.');
            assertBadBody(await app().request({ method: 'POST', path, body: DEEP_OBJECT, contentType: 'application/json' }), missingMessage);
            assertBadBody(await app().request({ method: 'POST', path, body: DEEP_FIELD, contentType: 'application/json' }), fieldMessage);
            assertBadBody(await app().request({ method: 'POST', path, body: WIDE_OBJECT, contentType: 'application/json' }), missingMessage);
          }
          assert.deepEqual(await app().devices(), before);
        });

        it('refreshes a device with rotation, and verifies and refreshes an access token', async () => {
          const login = await app().login('alice');
          const refreshed = await app().request<{ token: string; permanent_token: string }>({
            method: 'POST',
            path: '/device-refresh-token',
            headers: { 'Permanent-Token': login.permanent_token },
            body: { extra: 'ignored' },
          });
          assert.equal(refreshed.status, 200, refreshed.text);
          assert.notEqual(refreshed.json!.permanent_token, login.permanent_token);
          const verified = await app().request<{ token: string }>({ method: 'POST', path: '/auth-token/verify', body: { token: refreshed.json!.token, extra: 1 } });
          assert.equal(verified.status, 200, verified.text);
          assert.deepEqual(verified.json, { token: refreshed.json!.token });
          const renewed = await app().request<{ token: string }>({ method: 'POST', path: '/auth-token/refresh', body: { token: refreshed.json!.token } });
          assert.equal(renewed.status, 200, renewed.text);
          assert.equal(typeof renewed.json!.token, 'string');
        });

        it('lists, and deletes by canonical id only: `05` names no device even when the app transforms params', async () => {
          const mine = await app().login('alice');
          const other = await app().login('alice');
          const auth = { Authorization: `Bearer ${mine.token}` };
          const listed = await app().request<Array<{ id: number; current: boolean }>>({ method: 'GET', path: '/devices', headers: auth });
          assert.equal(listed.status, 200, listed.text);
          assert.ok(listed.json!.some((device) => device.id === mine.device_id && device.current));

          const padded = await app().request({ method: 'DELETE', path: `/devices/0${other.device_id}`, headers: auth });
          assertNestError(padded, 404, 'Not Found');
          assert.ok((await app().devices()).some((device) => device.id === other.device_id), 'a non-canonical id deletes nothing');

          const removed = await app().request({ method: 'DELETE', path: `/devices/${other.device_id}`, headers: auth });
          assert.equal(removed.status, 204, removed.text);
          assert.ok(!(await app().devices()).some((device) => device.id === other.device_id), 'the device row is gone');
        });

        it('logs a device out by Device-Id, and logs out all others', async () => {
          app().users.add('dora', 'dora-password');
          const first = await app().login('dora');
          const second = await app().login('dora');
          const third = await app().login('dora');
          const padded = await app().request({ method: 'DELETE', path: '/device-logout', headers: { Authorization: `Bearer ${first.token}`, 'Device-Id': `0${second.device_id}` } });
          assertNestError(padded, 400, 'Bad Request');
          const logout = await app().request({ method: 'DELETE', path: '/device-logout', headers: { Authorization: `Bearer ${first.token}`, 'Device-Id': String(second.device_id) } });
          assert.equal(logout.status, 204, logout.text);
          const others = await app().request<{ revoked: number }>({ method: 'POST', path: '/devices/logout-others', headers: { Authorization: `Bearer ${first.token}` } });
          assert.equal(others.status, 200, others.text);
          assert.deepEqual(others.json, { revoked: 1 });
          const left = (await app().devices()).filter((device) => device.userId === String(app().users.byName('dora').id));
          assert.deepEqual(left.map((device) => device.id), [first.device_id]);
          const revoked = await app().request({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${third.token}` } });
          assert.equal(revoked.status, 401);
        });

        it('keeps the header rule and the guarded app route as they are', async () => {
          const login = await app().login('alice');
          const refused = await app().request({ method: 'GET', path: '/public', headers: { 'Permanent-Token': login.permanent_token } });
          assertNestError(refused, 400, 'Bad Request');
          const profile = await app().request<Record<string, unknown>>({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${login.token}` } });
          assert.equal(profile.status, 200, profile.text);
          assert.deepEqual(profile.json, { id: app().users.byName('alice').id, username: 'alice', device_id: login.device_id });
        });
      });
    }
  }
}
