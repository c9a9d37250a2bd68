import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource, type Logger } from 'typeorm';
import { DeviceQueries } from '../../lib/store/device-queries.js';
import { Device } from '../../lib/device.entity.js';
import { JWT_DEVICES_ENTITIES } from '../../lib/index.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';

/** Every query and query error TypeORM's logger is handed. */
class QueryLog implements Logger {
  readonly queries: string[] = [];
  readonly errors: string[] = [];
  logQuery(query: string): void {
    this.queries.push(query);
  }
  logQueryError(_error: string | Error, query: string): void {
    this.errors.push(query);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

function newDevice(hash: string, at: Date): Device {
  return Object.assign(new Device(), {
    userId: '42',
    tokenHash: null,
    generation: 0,
    legacyTokenHash: hash,
    rotatedAt: null,
    name: 'Firefox on Linux',
    details: 'device details',
    created: at.getTime(),
    lastRequestDatetime: at.getTime(),
    loginAddress: '2001:db8::7',
    lastAddress: null,
  });
}

const hash = (digit: string): string => digit.repeat(64);

forEachDatabase((database) => {
  describe("the module's plain-SQL statements", () => {
    const db = useFreshDatabase(database);
    const log = new QueryLog();
    let dataSource: DataSource;
    let queries: DeviceQueries;

    before(async () => {
      dataSource = new DataSource({ ...db().options, entities: JWT_DEVICES_ENTITIES, synchronize: true, logging: ['query', 'error'], logger: log });
      await dataSource.initialize();
      queries = new DeviceQueries(dataSource.getRepository(Device));
    });

    after(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    });

    it('insert stores the row and sets the id the database gave it, which the repository reads back alike', async () => {
      const at = new Date('2026-11-26T01:02:03.456Z');
      const first = newDevice(hash('a'), at);
      const second = newDevice(hash('b'), at);
      await queries.insert(first);
      await queries.insert(second);
      assert.ok(Number.isSafeInteger(first.id) && first.id > 0, `id ${first.id}`);
      assert.equal(second.id > first.id, true);
      const stored = await dataSource.getRepository(Device).findOneByOrFail({ id: second.id });
      assert.deepEqual({ ...stored }, { ...second });
      assert.deepEqual({ ...(await queries.findById(second.id))! }, { ...stored });
    });

    it('a statement that fails rejects, and is logged as a query error', async () => {
      const errorsBefore = log.errors.length;
      await assert.rejects(queries.insert(newDevice(hash('a'), new Date())), 'a second device with the same token hash was stored');
      assert.equal(log.errors.length, errorsBefore + 1);
      assert.match(log.errors.at(-1)!, /^INSERT INTO/i);
      assert.equal(await dataSource.getRepository(Device).countBy({ legacyTokenHash: hash('a') }), 1);
    });

    it('statements are in the query log, as TypeORM logs its own', async () => {
      const before = log.queries.length;
      const device = (await dataSource.getRepository(Device).findOneByOrFail({ legacyTokenHash: hash('b') }))!;
      assert.equal(await queries.rotate(device.id, device.generation, hash('c'), Date.now(), null), true);
      assert.equal(await queries.rotate(device.id, device.generation, hash('d'), Date.now(), '192.0.2.9'), false, 'a second rotation from the same generation loses');
      const rotated = await dataSource.getRepository(Device).findOneByOrFail({ id: device.id });
      assert.deepEqual([rotated.generation, rotated.tokenHash, rotated.legacyTokenHash], [device.generation + 1, hash('c'), hash('b')]);
      assert.equal(rotated.lastAddress, device.lastAddress, 'a rotation without an address, or a lost one, leaves the last address');
      assert.equal(await queries.rotate(device.id, rotated.generation, hash('e'), Date.now(), '192.0.2.9'), true);
      assert.equal((await dataSource.getRepository(Device).findOneByOrFail({ id: device.id })).lastAddress, '192.0.2.9', 'the rotation recorded the address');
      assert.ok(log.queries.slice(before).some((query) => /^UPDATE/i.test(query)), log.queries.slice(before).join('\n'));
    });

    it('keeps answering after the DataSource is closed and opened again', async () => {
      const device = (await queries.findByLegacyTokenHash(hash('b')))!;
      await dataSource.destroy();
      await dataSource.initialize();
      assert.deepEqual({ ...(await queries.findByLegacyTokenHash(hash('b')))! }, { ...device });
      assert.equal(await queries.recordUse(device.id, Date.now(), null), true);
    });

    it('recordUse writes the last use and the address it is given, each null keeping the stored value, in one UPDATE', async () => {
      const repository = dataSource.getRepository(Device);
      const device = await repository.findOneByOrFail({ legacyTokenHash: hash('b') });
      const used = Date.UTC(2026, 11, 1, 8, 0, 0, 123);
      const before = log.queries.length;
      assert.equal(await queries.recordUse(device.id, used, '198.51.100.20'), true);
      assert.deepEqual(log.queries.slice(before).map((query) => query.split(' ')[0]), ['UPDATE']);
      let row = await repository.findOneByOrFail({ id: device.id });
      assert.deepEqual([row.lastRequestDatetime, row.lastAddress], [used, '198.51.100.20']);
      assert.equal(await queries.recordUse(device.id, null, '198.51.100.21'), true);
      row = await repository.findOneByOrFail({ id: device.id });
      assert.deepEqual([row.lastRequestDatetime, row.lastAddress], [used, '198.51.100.21'], 'no last use given: the stored one stays');
      assert.equal(await queries.recordUse(device.id, used + 60_000, null), true);
      row = await repository.findOneByOrFail({ id: device.id });
      assert.deepEqual([row.lastRequestDatetime, row.lastAddress], [used + 60_000, '198.51.100.21'], 'no address given: the stored one stays');
      assert.equal(await queries.recordUse(2 ** 31 - 2, used, null), false, 'a device that is gone');
    });
  });
});
