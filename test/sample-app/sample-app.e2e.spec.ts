import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Device } from '../../lib/index.js';
import { useSampleApp } from '../fixtures/sample-app-in-process.js';
import type { RequestOptions } from '../support/http.js';

interface Session {
  token: string;
  permanent_token: string;
  device_id: number;
}

for (const adapter of ['express', 'fastify'] as const) {
  describe(`the sample app on ${adapter}`, () => {
    const sample = useSampleApp(adapter);
    let dataSource: DataSource;
    before(() => {
      dataSource = sample().app.get<DataSource>(getDataSourceToken());
    });

    const call = <T = unknown>(options: RequestOptions) => sample().call<T>(options);
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    const devicesOf = (userId: number) => dataSource.getRepository(Device).findBy({ userId: String(userId) });

    async function signUp(username: string): Promise<{ id: number; session: Session }> {
      const created = await call<{ id: number; username: string }>({ method: 'POST', path: '/users', body: { username, password: 'long enough password' } });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(Object.keys(created.json!).sort(), ['id', 'username']);
      const login = await call<Session>({ method: 'POST', path: '/auth-token', body: { username, password: 'long enough password' } });
      assert.equal(login.status, 200, login.text);
      return { id: created.json!.id, session: login.json! };
    }

    it('creates users with 201, refuses a taken username with 409 and bad input with 400', async () => {
      await signUp('erin');
      const taken = await call({ method: 'POST', path: '/users', body: { username: 'erin', password: 'another long password' } });
      assert.equal(taken.status, 409);
      const bad = await call<{ statusCode: number }>({ method: 'POST', path: '/users', body: { username: '', password: 3 } });
      assert.equal(bad.status, 400);
      assert.equal(bad.json!.statusCode, 400);
    });

    it('stores a password hash, never the password', async () => {
      const rows: Array<Record<string, unknown>> = await dataSource.query('SELECT * FROM sample_app_user');
      assert.ok(rows.length > 0);
      for (const row of rows) assert.ok(!JSON.stringify(row).includes('long enough password'));
    });

    it('serves /public without auth and /profile with { id, username, device_id } for a token', async () => {
      assert.deepEqual((await call({ method: 'GET', path: '/public' })).status, 200);
      const { id, session } = await signUp('frank');
      const profile = await call({ method: 'GET', path: '/profile', headers: bearer(session.token) });
      assert.equal(profile.status, 200);
      assert.deepEqual(profile.json, { id, username: 'frank', device_id: session.device_id });
      assert.equal((await call({ method: 'GET', path: '/profile' })).status, 401);
    });

    it('deactivates the caller: 204, then no token, refresh or login works', async () => {
      const { session } = await signUp('grace');
      const response = await call({ method: 'POST', path: '/users/me/deactivate', headers: bearer(session.token) });
      assert.equal(response.status, 204);
      assert.equal((await call({ method: 'GET', path: '/profile', headers: bearer(session.token) })).status, 401);
      const refresh = await call({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': session.permanent_token } });
      assert.equal(refresh.status, 400);
      const login = await call({ method: 'POST', path: '/auth-token', body: { username: 'grace', password: 'long enough password' } });
      assert.equal(login.status, 400);
    });

    it('deletes the caller: 204, the user row and every one of their devices are gone', async () => {
      const { id, session } = await signUp('heidi');
      await call({ method: 'POST', path: '/auth-token', body: { username: 'heidi', password: 'long enough password' } });
      assert.equal((await devicesOf(id)).length, 2);
      const response = await call({ method: 'DELETE', path: '/users/me', headers: bearer(session.token) });
      assert.equal(response.status, 204);
      assert.deepEqual(await devicesOf(id), []);
      const rows: unknown[] = await dataSource.query('SELECT id FROM sample_app_user WHERE id = ?', [id]);
      assert.deepEqual(rows, []);
      assert.equal((await call({ method: 'GET', path: '/profile', headers: bearer(session.token) })).status, 401);
    });

    it('answers malformed JSON with 400 in Nest\'s shape and no parser internals', async () => {
      const response = await call({ method: 'POST', path: '/auth-token', body: '{"username": ', contentType: 'application/json' });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json, { statusCode: 400, message: 'The request body could not be parsed as JSON.', error: 'Bad Request' });
    });

    it('answers a body over 100 KiB with 413 in Nest\'s shape', async () => {
      const response = await call({ method: 'POST', path: '/auth-token', body: { username: 'x'.repeat(101 * 1024), password: 'p' } });
      assert.equal(response.status, 413);
      assert.deepEqual(response.json, { statusCode: 413, message: 'Request body is too large.', error: 'Payload Too Large' });
    });
  });
}
