import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases, useFreshDatabase, type TestDataSourceOptions } from '../support/databases.js';
import { SampleAppProcess } from '../fixtures/sample-app-process.js';

const postgres = testDatabases().find(({ name }) => name === 'postgres');
const SECRET = 'multi-instance-secret-of-at-least-32-bytes';

interface Session {
  token: string;
  permanent_token: string;
  device_id: number;
}

describe('two sample-app instances on one PostgreSQL database', { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  const db = useFreshDatabase(postgres!);
  const instances: SampleAppProcess[] = [];
  let databaseUrl: string;

  before(() => {
    const options = db().options as Extract<TestDataSourceOptions, { type: 'postgres' }>;
    const auth = options.password ? `${options.username}:${options.password}` : options.username;
    databaseUrl = `postgres://${auth}@${options.host}:${options.port}/${options.database}`;
  });
  after(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
  });

  async function start(extra: Record<string, string> = {}): Promise<SampleAppProcess> {
    const instance = await SampleAppProcess.start({ DATABASE_URL: databaseUrl, JWT_SECRET: SECRET, ...extra });
    instances.push(instance);
    return instance;
  }

  async function signUpAndLogin(app: SampleAppProcess, username: string): Promise<Session> {
    const created = await app.request({ method: 'POST', path: '/users', body: { username, password: 'correct horse battery' } });
    assert.equal(created.status, 201, created.text);
    const login = await app.request<Session>({ method: 'POST', path: '/auth-token', body: { username, password: 'correct horse battery' } });
    assert.equal(login.status, 200, login.text);
    return login.json!;
  }

  const profile = (app: SampleAppProcess, token: string) =>
    app.request<{ device_id: number }>({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });

  it('refreshes through B a device logged in through A, and a logout through A fails its token on B at once', async () => {
    // One at a time: both synchronize the schema at boot.
    const a = await start();
    const b = await start();
    const session = await signUpAndLogin(a, 'carol');

    const refreshed = await b.request<Session>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': session.permanent_token } });
    assert.equal(refreshed.status, 200, refreshed.text);
    const onB = await profile(b, refreshed.json!.token);
    assert.equal(onB.status, 200);
    assert.equal(onB.json!.device_id, session.device_id);
    assert.equal((await profile(a, refreshed.json!.token)).status, 200);

    const logout = await a.request({
      method: 'DELETE',
      path: '/device-logout',
      headers: { Authorization: `Bearer ${refreshed.json!.token}`, 'Device-Id': String(session.device_id) },
    });
    assert.equal(logout.status, 204);
    assert.equal((await profile(b, refreshed.json!.token)).status, 401);
    assert.equal((await profile(b, session.token)).status, 401);
  });

  it('with deviceCacheTtl set on B, a logout through A reaches B within that time', async () => {
    const a = instances[0];
    const b = await start({ JWT_DEVICES_DEVICE_CACHE_TTL: '1' });
    const session = await signUpAndLogin(a, 'dave');
    assert.equal((await profile(b, session.token)).status, 200);

    const logout = await a.request({
      method: 'DELETE',
      path: '/device-logout',
      headers: { Authorization: `Bearer ${session.token}`, 'Device-Id': String(session.device_id) },
    });
    assert.equal(logout.status, 204);
    assert.equal((await profile(a, session.token)).status, 401);

    // B may serve its cached copy for up to one second; after that it must refuse.
    const deadline = Date.now() + 5_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await profile(b, session.token)).status;
    }
    assert.equal(status, 401);
  });
});
