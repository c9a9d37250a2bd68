import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import { useTestApp } from '../fixtures/test-app.js';

forEachServer((database) => {
  describe("app routes built on the module's pieces", () => {
    const db = useFreshDatabase(database);
    const app = useTestApp(db);

    it('a bare AuthGuard("jwt-devices") admits a live device\'s token', async () => {
      const session = await app().login('alice');
      const response = await app().request({ method: 'GET', path: '/app/bare-guard', headers: { Authorization: `Bearer ${session.token}` } });
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, { id: app().users.byName('alice').id, device_id: session.device_id });
    });

    it('a bare AuthGuard("jwt-devices") answers a logged-out device\'s token with the module\'s 401, not 500', async () => {
      const session = await app().login('alice');
      const logout = await app().request({
        method: 'DELETE',
        path: '/device-logout',
        headers: { Authorization: `Bearer ${session.token}`, 'Device-Id': String(session.device_id) },
      });
      assert.equal(logout.status, 204);
      const response = await app().request({ method: 'GET', path: '/app/bare-guard', headers: { Authorization: `Bearer ${session.token}` } });
      assert.equal(response.status, 401);
      assert.deepEqual(response.json, { statusCode: 401, message: 'Invalid or expired access token.', error: 'Unauthorized' });
    });

    it('a bare AuthGuard("permanent-token") admits a live permanent token and answers a refused one with 401, not 500', async () => {
      const session = await app().login('bob');
      const admitted = await app().request({ method: 'POST', path: '/app/permanent', headers: { 'Permanent-Token': session.permanent_token } });
      assert.equal(admitted.status, 200);
      assert.deepEqual(admitted.json, { id: app().users.byName('bob').id });
      const before = await app().devices();
      const refused = await app().request({ method: 'POST', path: '/app/permanent', headers: { 'Permanent-Token': 'x'.repeat(43) } });
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.json, { statusCode: 401, message: 'Unauthorized' });
      assert.deepEqual(await app().devices(), before);
    });

    it('JwtDevicesErrorsFilter turns SessionsService errors in an app route into the module\'s 400, creating no device', async () => {
      const before = await app().devices();
      const response = await app().request({ method: 'POST', path: '/app/login', body: { username: 'alice', password: 'wrong' } });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json, { statusCode: 400, message: 'Unable to log in with provided credentials.', error: 'Bad Request' });
      assert.deepEqual(await app().devices(), before);
    });

    it('JwtDevicesErrorsFilter turns a failing user store into 503 with Retry-After', async () => {
      app().users.failing = true;
      try {
        const response = await app().request({ method: 'POST', path: '/app/login', body: { username: 'alice', password: 'alice-password' } });
        assert.equal(response.status, 503);
        assert.equal(response.headers['retry-after'], '5');
      } finally {
        app().users.failing = false;
      }
    });

    it('SessionsService.login in an app route creates a device and answers the login body', async () => {
      const response = await app().request<{ device_id: number }>({
        method: 'POST',
        path: '/app/login',
        body: { username: 'bob', password: 'bob-password' },
      });
      assert.equal(response.status, 200);
      assert.ok((await app().devices()).some(({ id }) => id === response.json!.device_id));
    });
  });
});
