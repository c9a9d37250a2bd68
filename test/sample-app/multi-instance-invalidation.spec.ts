import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SampleAppProcess } from '../fixtures/sample-app-process.js';
import { testDatabases, useFreshDatabase, type TestDataSourceOptions } from '../support/databases.js';
import { PrivateRedisServer } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

const postgres = testDatabases().find(({ name }) => name === 'postgres');
const SECRET = 'multi-instance-invalidation-secret-of-32-bytes';
const PASSWORD = 'correct horse battery';
const UNREACHABLE = 'Device invalidation: Redis unreachable';

/** The two transports the sample app turns on from its environment, and the line each instance logs once it trusts it. */
const TRANSPORTS = [
  { name: 'Redis pub/sub', env: (redis: PrivateRedisServer) => ({ REDIS_URL: redis.url }), trusted: 'Device invalidation: subscribed to Redis' },
  { name: 'PostgreSQL LISTEN/NOTIFY', env: () => ({ JWT_DEVICES_INVALIDATION: 'postgres' }), trusted: 'Device invalidation: listening on PostgreSQL' },
] as const;

interface Session {
  token: string;
  permanent_token: string;
  device_id: number;
}

const count = (text: string, part: string) => text.split(part).length - 1;

/**
 * Three sample-app processes on one PostgreSQL database and one private Redis, each caching devices for
 * 300 s: a revocation through one must fail the device on the others at their next request.
 */
for (const transport of TRANSPORTS) describe(`three sample-app instances with push invalidation over ${transport.name}`, { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  const db = useFreshDatabase(postgres!);
  let redis: PrivateRedisServer;
  let sql: pg.Client;
  let a: SampleAppProcess;
  let b: SampleAppProcess;
  let c: SampleAppProcess;
  let users = 0;

  before(async () => {
    const options = db().options as Extract<TestDataSourceOptions, { type: 'postgres' }>;
    const auth = options.password ? `${options.username}:${options.password}` : options.username;
    const databaseUrl = `postgres://${auth}@${options.host}:${options.port}/${options.database}`;
    redis = await PrivateRedisServer.start();
    const env = {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: SECRET,
      ...transport.env(redis),
      JWT_DEVICES_DEVICE_CACHE_TTL: '300',
      // Any earlier permanent token shown again is reuse at once.
      JWT_DEVICES_ROTATION_GRACE_PERIOD: '0',
      JWT_DEVICES_MAX_DEVICES_PER_USER: '3',
    };
    // One at a time: each synchronizes the schema at boot.
    a = await SampleAppProcess.start(env);
    b = await SampleAppProcess.start(env);
    c = await SampleAppProcess.start(env);
    await subscribedTimes(1);
    sql = new pg.Client({ connectionString: databaseUrl });
    // The database is dropped by an earlier after hook, which ends this session first.
    sql.on('error', () => undefined);
    await sql.connect();
  });
  after(async () => {
    await Promise.all([a, b, c].map((instance) => instance?.stop()));
    await sql?.end();
    await redis?.kill();
  });

  const subscribedTimes = (times: number) =>
    Promise.all([a, b, c].map((instance) => waitUntil(() => count(instance.output(), transport.trusted) >= times, `every instance trusted its bus ${times} time(s)`)));

  async function login(username: string): Promise<Session> {
    const response = await a.request<Session>({ method: 'POST', path: '/auth-token', body: { username, password: PASSWORD } });
    assert.equal(response.status, 200, response.text);
    return response.json!;
  }

  async function newUser(): Promise<string> {
    const username = `user${++users}`;
    const created = await a.request({ method: 'POST', path: '/users', body: { username, password: PASSWORD } });
    assert.equal(created.status, 201, created.text);
    return username;
  }

  const profile = (instance: SampleAppProcess, token: string) =>
    instance.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });
  const bearer = (session: Session) => ({ Authorization: `Bearer ${session.token}` });

  /** A guarded request on every instance, so each has the device in its cache. */
  async function warm(...sessions: Session[]): Promise<void> {
    for (const session of sessions) for (const instance of [a, b, c]) assert.equal((await profile(instance, session.token)).status, 200);
  }

  async function refusedByTheOthers(session: Session): Promise<void> {
    assert.equal((await profile(b, session.token)).status, 401, 'instance B accepted a revoked device');
    assert.equal((await profile(c, session.token)).status, 401, 'instance C accepted a revoked device');
  }

  it('each instance answers from its cache: a row deleted behind the module still passes where it was cached', async () => {
    const session = await login(await newUser());
    await warm(session);
    await sql.query('DELETE FROM jwt_devices_device WHERE id = $1', [session.device_id]);
    assert.equal((await profile(b, session.token)).status, 200);
    assert.equal((await profile(c, session.token)).status, 200);
  });

  it('a logout through A: the next request on B and C is 401', async () => {
    const session = await login(await newUser());
    await warm(session);
    const logout = await a.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(session), 'Device-Id': String(session.device_id) } });
    assert.equal(logout.status, 204);
    await refusedByTheOthers(session);
  });

  it('DELETE /devices/:id through A: the next request on B and C is 401', async () => {
    const username = await newUser();
    const caller = await login(username);
    const target = await login(username);
    await warm(caller, target);
    assert.equal((await a.request({ method: 'DELETE', path: `/devices/${target.device_id}`, headers: bearer(caller) })).status, 204);
    await refusedByTheOthers(target);
    assert.equal((await profile(b, caller.token)).status, 200);
  });

  it('logout-others through A: the other devices get 401 on B and C, the caller keeps working', async () => {
    const username = await newUser();
    const [caller, other1, other2] = [await login(username), await login(username), await login(username)];
    await warm(caller, other1, other2);
    const response = await a.request<{ revoked: number }>({ method: 'POST', path: '/devices/logout-others', headers: bearer(caller) });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { revoked: 2 });
    await refusedByTheOthers(other1);
    await refusedByTheOthers(other2);
    assert.equal((await profile(c, caller.token)).status, 200);
  });

  it('reuse of a rotated-away permanent token on A revokes the device: its access token gets 401 on B and C', async () => {
    const session = await login(await newUser());
    await warm(session);
    const refresh = (token: string) => a.request<Session>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token } });
    assert.equal((await refresh(session.permanent_token)).status, 200);
    assert.equal((await refresh(session.permanent_token)).status, 400);
    await refusedByTheOthers(session);
  });

  it('the device cap: a fourth login through A logs out the least recently used device, which gets 401 on B and C', async () => {
    const username = await newUser();
    const oldest = await login(username);
    const kept = [await login(username), await login(username)];
    await warm(oldest, ...kept);
    await login(username);
    await refusedByTheOthers(oldest);
    for (const session of kept) assert.equal((await profile(b, session.token)).status, 200);
  });

  // The user check refuses them too; push-invalidation.e2e.spec.ts pins revokeAllForUser with the user kept.
  it('deleting the account through A revokes all its devices: 401 on B and C', async () => {
    const username = await newUser();
    const sessions = [await login(username), await login(username)];
    await warm(...sessions);
    assert.equal((await a.request({ method: 'DELETE', path: '/users/me', headers: bearer(sessions[0]) })).status, 204);
    for (const session of sessions) await refusedByTheOthers(session);
  });

  // Killing the bus's server is Redis's case: PostgreSQL is the app's database too (postgres-invalidation-bus.spec.ts kills its listener).
  if (transport.name === 'Redis pub/sub') it('Redis killed: no instance accepts a revoked device, none fails a live one; Redis back: caching and invalidation resume', async () => {
    const username = await newUser();
    const [live, revoked, behind] = [await login(username), await login(username), await login(username)];
    await warm(live, revoked, behind);
    await redis.kill();
    await Promise.all([a, b, c].map((instance) => waitUntil(() => count(instance.output(), UNREACHABLE) >= 1, 'every instance noticed the outage')));

    const logout = await a.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(revoked), 'Device-Id': String(revoked.device_id) } });
    assert.equal(logout.status, 204);
    await refusedByTheOthers(revoked);
    await sql.query('DELETE FROM jwt_devices_device WHERE id = $1', [behind.device_id]);
    await refusedByTheOthers(behind);
    for (const instance of [a, b, c]) assert.equal((await profile(instance, live.token)).status, 200);

    await redis.restart();
    await subscribedTimes(2);
    // Caching is back: a device read once is served from the cache again...
    const cached = await login(await newUser());
    await warm(cached);
    await sql.query('DELETE FROM jwt_devices_device WHERE id = $1', [cached.device_id]);
    assert.equal((await profile(b, cached.token)).status, 200);
    // ...and so is invalidation.
    const again = await login(await newUser());
    await warm(again);
    assert.equal((await a.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(again), 'Device-Id': String(again.device_id) } })).status, 204);
    await refusedByTheOthers(again);
  });
});
