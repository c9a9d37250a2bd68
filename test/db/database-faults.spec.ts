import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases, useFreshDatabase, type TestDataSourceOptions } from '../support/databases.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';

const postgres = testDatabases().find(({ name }) => name === 'postgres');

describe('PostgreSQL behind a proxy that fails', { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  const db = useFreshDatabase(postgres!);
  let proxy: TcpProxy;
  let app: TestApp;
  let session: LoginBody;

  before(async () => {
    const direct = db().options as Extract<TestDataSourceOptions, { type: 'postgres' }>;
    proxy = await TcpProxy.start(direct.host ?? '127.0.0.1', direct.port ?? 5432);
    // The app's own timeouts turn a hanging database into errors; the module turns errors into 503s.
    const options = { ...direct, host: '127.0.0.1', port: proxy.port, connectTimeoutMS: 1000, extra: { query_timeout: 1000 } };
    app = await TestApp.start({ options, drop: async () => undefined });
    session = await app.login('alice');
  });
  after(async () => {
    await app?.close();
    await proxy?.close();
  });

  const profile = () => app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${session.token}` } });
  const refresh = (token: string) => app.request({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token } });
  const login = () => app.request({ method: 'POST', path: '/auth-token', body: { username: 'bob', password: 'bob-password' } });

  function assertUnavailable(response: { status: number; headers: Record<string, unknown>; text: string }): void {
    assert.equal(response.status, 503, response.text);
    assert.equal(response.headers['retry-after'], '5');
    assert.deepEqual(JSON.parse(response.text), {
      statusCode: 503,
      message: 'Authentication is temporarily unavailable; try again shortly.',
      error: 'Service Unavailable',
    });
  }

  it('answers 503 with Retry-After on every endpoint while the database refuses, and authenticates nothing', async () => {
    proxy.cut();
    assertUnavailable(await profile());
    assertUnavailable(await refresh(session.permanent_token));
    assertUnavailable(await login());
    assertUnavailable(await app.request({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${session.token}` } }));
    assertUnavailable(
      await app.request({ method: 'DELETE', path: '/device-logout', headers: { Authorization: `Bearer ${session.token}`, 'Device-Id': String(session.device_id) } }),
    );
  });

  it('serves again once the database is back, without a restart, and lost nothing', async () => {
    proxy.restore();
    const response = await profile();
    assert.equal(response.status, 200, response.text);
    const devices = await app.devices();
    assert.deepEqual(devices.map(({ id }) => id), [session.device_id]);
    const refreshed = await refresh(session.permanent_token);
    assert.equal(refreshed.status, 200, refreshed.text);
    session = { ...session, ...(refreshed.json as Partial<LoginBody>) };
  });

  it('answers 503 when the database hangs, within the app\'s query timeout, then recovers', async () => {
    proxy.blackhole();
    assertUnavailable(await profile());
    assertUnavailable(await login());
    proxy.restore();
    assert.equal((await profile()).status, 200);
    assert.equal((await app.devices()).length, 1);
  });
});
