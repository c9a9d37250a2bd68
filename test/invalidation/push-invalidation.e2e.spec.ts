import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Device, DevicesService, type DeviceInvalidationBus } from '../../lib/index.js';
import { JWT_DEVICES_INVALIDATION_BUS } from '../../lib/jwt-devices.internal-constants.js';
import { TestApp } from '../fixtures/test-app.js';
import { sqliteDatabase } from '../support/sqlite-database.js';
import type { CreatedDatabase } from '../support/test-database.js';
import { PrivateRedisServer } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

/**
 * Two instances of one app on one database and one Redis, each caching devices for 300 s. A row deleted
 * behind the module's back (no message) shows whether an instance answers from its cache or the database.
 */
describe('push invalidation of the device cache, two in-process instances on SQLite and a private Redis', () => {
  let redis: PrivateRedisServer;
  let database: CreatedDatabase;
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    redis = await PrivateRedisServer.start();
    database = await sqliteDatabase.create();
    const options = { module: { deviceCacheTtl: 300, invalidation: { redis: { url: redis.url } } } };
    a = await TestApp.start(database, options);
    b = await TestApp.start(database, options);
    await Promise.all([a, b].map((app) => waitUntil(() => busOf(app).trusted, 'the instance subscribed')));
  });
  after(async () => {
    await Promise.all([a, b].map((app) => app?.close()));
    await redis.kill();
    await database?.drop();
  });

  const busOf = (app: TestApp) => app.app.get<DeviceInvalidationBus>(JWT_DEVICES_INVALIDATION_BUS);
  const profile = (app: TestApp, token: string) => app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });
  /** Deletes the row without the module, so no instance is told. */
  const deleteBehindTheModule = (id: number) => a.dataSource.getRepository(Device).delete({ id });

  it('a trusted cache answers without the database: a row deleted behind the module still passes on the instance that cached it', async () => {
    const session = await a.login('alice');
    assert.equal((await profile(b, session.token)).status, 200);
    await deleteBehindTheModule(session.device_id);
    assert.equal((await profile(b, session.token)).status, 200);
  });

  it('a logout through one instance fails the device on the other at once, though it was cached there', async () => {
    const session = await a.login('alice');
    assert.equal((await profile(b, session.token)).status, 200);
    const logout = await a.request({
      method: 'DELETE',
      path: '/device-logout',
      headers: { Authorization: `Bearer ${session.token}`, 'Device-Id': String(session.device_id) },
    });
    assert.equal(logout.status, 204);
    assert.equal((await profile(b, session.token)).status, 401);
    assert.equal((await b.devices()).some(({ id }) => id === session.device_id), false);
  });

  it("the app's revokeAllForUser on one instance fails that user's devices on the other, though the user remains", async () => {
    const sessions = [await a.login('bob'), await a.login('bob')];
    for (const session of sessions) assert.equal((await profile(b, session.token)).status, 200);
    const bobId = a.users.byName('bob').id;
    assert.equal(await a.app.get(DevicesService).revokeAllForUser(bobId), 2);
    for (const session of sessions) assert.equal((await profile(b, session.token)).status, 401);
  });

  it("a purge on one instance fails the purged devices on the other, whose own clock still finds them alive", async () => {
    const session = await a.login('bob');
    assert.equal((await profile(b, session.token)).status, 200);
    const clockOfA = a.clock.now();
    a.clock.advance(8 * 24 * 60 * 60);
    try {
      assert.ok((await a.app.get(DevicesService).purgeExpired()) >= 1);
    } finally {
      a.clock.set(clockOfA);
    }
    assert.equal((await profile(b, session.token)).status, 401);
  });

  it('while Redis is down every request reads the database: live devices pass, deleted ones fail', async () => {
    const kept = await a.login('bob');
    const deleted = await a.login('bob');
    assert.equal((await profile(b, kept.token)).status, 200);
    assert.equal((await profile(b, deleted.token)).status, 200);
    await redis.kill();
    await waitUntil(() => !busOf(b).trusted, 'the instance noticed the outage');
    // Read during the outage too: nothing read now may be cached.
    assert.equal((await profile(b, deleted.token)).status, 200);

    await deleteBehindTheModule(deleted.device_id);
    assert.equal((await profile(b, deleted.token)).status, 401);
    assert.equal((await profile(b, kept.token)).status, 200);
    // A revocation through an instance still works without Redis.
    const logout = await b.request({ method: 'DELETE', path: '/device-logout', headers: { Authorization: `Bearer ${kept.token}`, 'Device-Id': String(kept.device_id) } });
    assert.equal(logout.status, 204);
    assert.equal((await profile(a, kept.token)).status, 401);
  });

  it('after an outage the cache starts empty: a device cached before it and deleted during it is refused', async () => {
    await redis.restart();
    await Promise.all([a, b].map((app) => waitUntil(() => busOf(app).trusted, 'the instance subscribed again')));
    const session = await a.login('alice');
    assert.equal((await profile(b, session.token)).status, 200);

    await redis.kill();
    await waitUntil(() => !busOf(b).trusted, 'the instance noticed the outage');
    await deleteBehindTheModule(session.device_id);
    await redis.restart();
    await waitUntil(() => busOf(b).trusted, 'the instance subscribed again');
    assert.equal((await profile(b, session.token)).status, 401);

    // And caching is back: a live device read once is served from the cache again.
    const next = await a.login('alice');
    assert.equal((await profile(b, next.token)).status, 200);
    await deleteBehindTheModule(next.device_id);
    assert.equal((await profile(b, next.token)).status, 200);
  });
});

describe('invalidation: { postgres: true } on an app whose Device table is on SQLite', () => {
  it('stops the boot with one error that says why', async () => {
    const database = await sqliteDatabase.create();
    try {
      await assert.rejects(
        TestApp.start(database, { module: { deviceCacheTtl: 300, invalidation: { postgres: true } } }),
        (error: Error) => error.message.includes('invalidation.postgres: needs the Device table on PostgreSQL (the DataSource is better-sqlite3)'),
      );
    } finally {
      await database.drop();
    }
  });
});
