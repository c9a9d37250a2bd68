import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Logger, QueryRunner } from 'typeorm';
import { Device, DevicesService } from '../../lib/index.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import { TestApp } from '../fixtures/test-app.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INSERT_CHUNK = 500;

interface SeedTimes {
  created: Date;
  lastRequestDatetime: Date;
}

/** Inserts devices straight into the table, in chunks; returns their ids in insertion order. */
async function seedDevices(app: TestApp, count: number, times: SeedTimes): Promise<number[]> {
  const repository = app.dataSource.getRepository(Device);
  const ids: number[] = [];
  for (let offset = 0; offset < count; offset += INSERT_CHUNK) {
    const rows = Array.from({ length: Math.min(INSERT_CHUNK, count - offset) }, (_, index) =>
      repository.create({
        userId: String(((offset + index) % 3) + 1),
        tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
        generation: 0,
        legacyTokenHash: null,
        rotatedAt: null,
        name: `seeded ${offset + index}`,
        details: '',
        created: times.created.getTime(),
        lastRequestDatetime: times.lastRequestDatetime.getTime(),
      }),
    );
    await repository.insert(rows);
    ids.push(...rows.map(({ id }) => id));
  }
  assert.equal(ids.length, count);
  assert.ok(ids.every((id) => Number.isSafeInteger(id)), 'the inserts returned the generated ids');
  return ids;
}

async function remainingIds(app: TestApp): Promise<number[]> {
  return (await app.devices()).map(({ id }) => id).sort((a, b) => a - b);
}

function ago(app: TestApp, ms: number): Date {
  return new Date(app.clock.now().getTime() - ms);
}

/** Records the DELETE statements run on the device table while `work` runs. */
async function recordDeletes<T>(app: TestApp, work: () => Promise<T>): Promise<{ result: T; deletes: Array<{ query: string; parameters: unknown[] }> }> {
  const logger = app.dataSource.logger as Logger;
  const original = logger.logQuery;
  const deletes: Array<{ query: string; parameters: unknown[] }> = [];
  logger.logQuery = function (query: string, parameters?: unknown[], queryRunner?: QueryRunner) {
    if (/^\s*DELETE\b/i.test(query) && /jwt_devices_device/.test(query)) deletes.push({ query, parameters: parameters ?? [] });
    return original.call(this, query, parameters, queryRunner);
  };
  try {
    return { result: await work(), deletes };
  } finally {
    logger.logQuery = original;
  }
}

forEachDatabase((database) => {
  describe('DevicesService.purgeExpired() (idle window 1h, max age 30d)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    let service: DevicesService;
    before(async () => {
      app = await TestApp.start(db(), { module: { permanentTokenExpirationDelta: '1h', permanentTokenMaxAge: '30d' } });
      service = app.app.get(DevicesService);
    });
    beforeEach(async () => {
      await app.dataSource.getRepository(Device).clear();
    });
    after(() => app.close());

    it('purges 2,500 idle-expired devices in batches of 500, returns 2,500, and keeps exactly the 10 live ones', async () => {
      const expiredBefore = await seedDevices(app, 1250, { created: ago(app, 3 * HOUR), lastRequestDatetime: ago(app, 2 * HOUR) });
      const live = [
        ...(await seedDevices(app, 8, { created: ago(app, 3 * HOUR), lastRequestDatetime: ago(app, 10 * MINUTE) })),
        // Exactly at the idle limit is not past it.
        ...(await seedDevices(app, 2, { created: ago(app, 3 * HOUR), lastRequestDatetime: ago(app, HOUR) })),
      ];
      // Live rows in the middle of the id range, so a batch that stops at them would be caught.
      const expiredAfter = await seedDevices(app, 1250, { created: ago(app, 2 * HOUR), lastRequestDatetime: ago(app, HOUR + 1000) });
      assert.equal(expiredBefore.length + expiredAfter.length, 2500);

      const { result: purged, deletes } = await recordDeletes(app, () => service.purgeExpired({ batchSize: 500 }));
      assert.equal(purged, 2500);
      assert.deepEqual(await remainingIds(app), [...live].sort((a, b) => a - b));
      assert.ok(deletes.length >= 5, `${deletes.length} DELETE statement(s) for 2,500 rows in batches of 500`);
      for (const { parameters } of deletes) assert.ok(parameters.length <= 500, `a DELETE with ${parameters.length} parameters`);
    });

    it('purges devices past their max age though they were used a minute ago', async () => {
      const old = await seedDevices(app, 30, { created: ago(app, 30 * DAY + MINUTE), lastRequestDatetime: ago(app, MINUTE) });
      const live = await seedDevices(app, 10, { created: ago(app, 29 * DAY), lastRequestDatetime: ago(app, MINUTE) });
      assert.equal(await service.purgeExpired({ batchSize: 7 }), old.length);
      assert.deepEqual(await remainingIds(app), live);
    });

    it('purges with the default batch size when given no options, and returns 0 when nothing is expired', async () => {
      await seedDevices(app, 40, { created: ago(app, 2 * HOUR), lastRequestDatetime: ago(app, 2 * HOUR) });
      const live = await seedDevices(app, 3, { created: ago(app, 2 * HOUR), lastRequestDatetime: ago(app, MINUTE) });
      assert.equal(await service.purgeExpired(), 40);
      assert.equal(await service.purgeExpired(), 0);
      assert.deepEqual(await remainingIds(app), live);
    });

    it('reads expiry from the module clock: devices live now are purged once the clock passes their idle window', async () => {
      const live = await seedDevices(app, 5, { created: ago(app, 0), lastRequestDatetime: ago(app, 0) });
      assert.equal(await service.purgeExpired(), 0);
      assert.deepEqual(await remainingIds(app), live);
      app.clock.advance(60 * 60 + 1);
      assert.equal(await service.purgeExpired(), 5);
      assert.deepEqual(await remainingIds(app), []);
    });

    it('refuses the permanent token of a purged device with 400', async () => {
      const login = await app.login('alice');
      app.clock.advance(60 * 60 + 1);
      assert.equal(await service.purgeExpired(), 1);
      assert.deepEqual(await remainingIds(app), []);
      const refresh = await app.request({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': login.permanent_token } });
      assert.equal(refresh.status, 400);
      assert.deepEqual(refresh.json, { statusCode: 400, message: 'Invalid permanent token.', error: 'Bad Request' });
    });

    it('refuses a batch size that is not a positive integer with a RangeError, deleting nothing', async () => {
      await seedDevices(app, 5, { created: ago(app, 2 * HOUR), lastRequestDatetime: ago(app, 2 * HOUR) });
      const before = await remainingIds(app);
      for (const batchSize of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(() => service.purgeExpired({ batchSize }), RangeError, `batchSize ${batchSize}`);
      }
      assert.deepEqual(await remainingIds(app), before);
    });
  });
});
