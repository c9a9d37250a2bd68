import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import { TestApp } from '../fixtures/test-app.js';

forEachDatabase((database) => {
  describe('POST /auth-token', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
    });
    after(() => app.close());

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
      const [device] = await app.devices();
      assert.equal(device.id, body.device_id);
      assert.equal(device.name, 'Pixel 8');
      assert.equal(device.details, 'okhttp/4');
      assert.notEqual(device.permanentTokenHash, body.permanent_token);
      assert.match(device.permanentTokenHash, /^[0-9a-f]{64}$/);
    });

    it('answers a wrong password with 400 and the drf message, and creates no device', async () => {
      const before = (await app.devices()).length;
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'nope' } });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json, { statusCode: 400, message: 'Unable to log in with provided credentials.', error: 'Bad Request' });
      assert.equal((await app.devices()).length, before);
    });
  });
});
