import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Column, DataSource, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Device, JWT_DEVICES_ENTITIES, JWT_DEVICES_MIGRATIONS, RetiredToken } from '../../lib/index.js';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';
import { forEachDatabase, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';

const MIGRATION_NAMES = [
  'CreateJwtDevicesDevice1764100000000',
  'CreateJwtDevicesRetiredToken1764100000001',
  'ExactJwtDevicesKeys1764100000002',
  'ConstantSpaceRotation1764100000003',
  'AddJwtDevicesClientAddress1764100000004',
];
const GRACE_MS = 10_000;
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const HASH = 'c0ffee'.repeat(10) + 'abcd';

/** The device table as the previous version's entity described it, to write rows as that version did. */
@Entity({ name: 'jwt_devices_device' })
class PreviousDevice {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'user_id', type: 'varchar', length: 64 }) userId: string;
  @Column({ name: 'permanent_token_hash', type: 'varchar', length: 64 }) permanentTokenHash: string;
  @Column({ name: 'previous_token_hash', type: 'varchar', length: 64, nullable: true }) previousTokenHash: string | null;
  @Column({ name: 'rotated_at', type: Date, precision: 3, nullable: true }) rotatedAt: Date | null;
  @Column({ name: 'name', type: 'varchar', length: 255 }) name: string;
  @Column({ name: 'details', type: 'varchar', length: 1024 }) details: string;
  @Column({ name: 'created', type: Date, precision: 3 }) created: Date;
  @Column({ name: 'last_request_datetime', type: Date, precision: 3 }) lastRequestDatetime: Date;
}

@Entity({ name: 'jwt_devices_retired_token' })
class PreviousRetiredToken {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 }) tokenHash: string;
  @Column({ name: 'device_id', type: Number }) deviceId: number;
  @Column({ name: 'retired_at', type: Date, precision: 3 }) retiredAt: Date;
}

/** Runs `work` on a DataSource of the module's entities and the given migrations, then closes it. */
async function withDataSource<T>(database: CreatedDatabase, migrations: Function[], work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const entities = migrations.length < JWT_DEVICES_MIGRATIONS.length ? [PreviousDevice, PreviousRetiredToken] : JWT_DEVICES_ENTITIES;
  const dataSource = new DataSource({ ...database.options, entities, migrations });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  return (await dataSource.driver.createSchemaBuilder().log()).upQueries.map(({ query }) => query);
}

forEachDatabase((database) => {
  describe('the shipped migrations', () => {
    const db = useFreshDatabase(database);

    it('create a schema the Device entity has no pending change against, and revert cleanly', async () => {
      await withDataSource(db(), JWT_DEVICES_MIGRATIONS, async (dataSource) => {
        const applied = await dataSource.runMigrations();
        assert.deepEqual(applied.map(({ name }) => name), MIGRATION_NAMES);
        assert.deepEqual(await pendingSchemaChanges(dataSource), []);

        const indexes = (await dataSource.createQueryRunner().getTable('jwt_devices_device'))!.indices;
        const hashIndex = indexes.find(({ columnNames }) => columnNames.join() === 'legacy_token_hash');
        assert.equal(hashIndex?.isUnique, true);
        assert.equal(indexes.some(({ columnNames }) => columnNames.includes('token_hash')), false, 'the current hash is read by primary key, unindexed');

        for (const _ of MIGRATION_NAMES) await dataSource.undoLastMigration();
        assert.equal(await dataSource.createQueryRunner().hasTable('jwt_devices_device'), false);
        assert.equal(await dataSource.createQueryRunner().hasTable('jwt_devices_retired_token'), false);
      });
    });
  });

  describe('the migrated tables compare user ids and token hashes byte for byte', () => {
    const db = useFreshDatabase(database);

    it("finds 'alice' and her hashes only by their exact bytes, not by case, accent or a trailing space", async () => {
      await withDataSource(db(), JWT_DEVICES_MIGRATIONS, async (dataSource) => {
        await dataSource.runMigrations();
        const now = Date.now();
        const devices = dataSource.getRepository(Device);
        const retired = dataSource.getRepository(RetiredToken);
        const { id } = await devices.save(
          devices.create({ userId: 'alice', tokenHash: HASH, generation: 0, legacyTokenHash: HASH, rotatedAt: now, name: 'n', details: '', created: now, lastRequestDatetime: now }),
        );
        await retired.insert({ tokenHash: HASH, deviceId: id, retiredAt: now });

        assert.equal(await devices.countBy({ userId: 'alice' }), 1);
        for (const lookalike of ['Alice', 'ALICE', 'alic\u00e9', 'alice ', 'alice\t']) {
          assert.equal(await devices.countBy({ userId: lookalike }), 0, `user_id = ${JSON.stringify(lookalike)}`);
        }
        for (const lookalike of [HASH.toUpperCase(), `${HASH} `]) {
          assert.equal(await devices.countBy({ legacyTokenHash: lookalike }), 0, `legacy_token_hash = ${JSON.stringify(lookalike)}`);
          assert.equal(await retired.countBy({ tokenHash: lookalike }), 0, `token_hash = ${JSON.stringify(lookalike)}`);
        }
        assert.equal(await retired.countBy({ tokenHash: HASH }), 1);
      });
    });
  });

  describe('a database made by the earlier migrations, with devices in it, upgraded', () => {
    const db = useFreshDatabase(database);

    it('takes only the new migration, keeps every instant, and its legacy and rotated-away tokens keep their meaning', async () => {
      const earlier = JWT_DEVICES_MIGRATIONS.slice(0, 3);
      const now = Date.now();
      const at = (msAgo: number) => new Date(now - msAgo);
      const token = () => randomBytes(32).toString('base64url');
      const [current, stale, staleOlder, retried, drfImport] = [token(), token(), token(), token(), 'a3f1'.repeat(10)];
      const created = at(3_600_000);
      // Rows as the previous version wrote them, through TypeORM's Date columns, in this process's time zone.
      await withDataSource(db(), earlier, async (dataSource) => {
        await dataSource.runMigrations();
        const devices = dataSource.getRepository(PreviousDevice);
        const rows = [
          { userId: '1', permanentTokenHash: sha256(current), previousTokenHash: null, rotatedAt: null, created, lastRequestDatetime: at(600_000) },
          { userId: '1', permanentTokenHash: sha256(token()), previousTokenHash: sha256(stale), rotatedAt: at(30_000), created, lastRequestDatetime: at(30_000) },
          { userId: '1', permanentTokenHash: sha256(token()), previousTokenHash: sha256(retried), rotatedAt: at(3_000), created, lastRequestDatetime: at(3_000) },
          { userId: '1', permanentTokenHash: sha256(drfImport), previousTokenHash: null, rotatedAt: null, created, lastRequestDatetime: at(60_000) },
        ];
        for (const row of rows) await devices.insert(devices.create({ ...row, name: 'n', details: '' }));
        await dataSource.getRepository(PreviousRetiredToken).insert([
          { tokenHash: sha256(stale), deviceId: 2, retiredAt: at(30_000) },
          { tokenHash: sha256(staleOlder), deviceId: 2, retiredAt: at(60_000) },
          { tokenHash: sha256(retried), deviceId: 3, retiredAt: at(3_000) },
        ]);
      });

      await withDataSource(db(), JWT_DEVICES_MIGRATIONS, async (dataSource) => {
        assert.deepEqual((await dataSource.runMigrations()).map(({ name }) => name), MIGRATION_NAMES.slice(3));
        assert.deepEqual(await pendingSchemaChanges(dataSource), []);
        const rows = await dataSource.getRepository(Device).find({ order: { id: 'ASC' } });
        assert.deepEqual(
          rows.map(({ id, created, lastRequestDatetime, rotatedAt, generation, tokenHash }) => ({ id, created, lastRequestDatetime, rotatedAt, generation, tokenHash })),
          [
            { id: 1, created: created.getTime(), lastRequestDatetime: now - 600_000, rotatedAt: null, generation: 0, tokenHash: null },
            { id: 2, created: created.getTime(), lastRequestDatetime: now - 30_000, rotatedAt: now - 30_000, generation: 0, tokenHash: null },
            { id: 3, created: created.getTime(), lastRequestDatetime: now - 3_000, rotatedAt: now - 3_000, generation: 0, tokenHash: null },
            { id: 4, created: created.getTime(), lastRequestDatetime: now - 60_000, rotatedAt: null, generation: 0, tokenHash: null },
          ],
          'every time is the same instant, in epoch milliseconds',
        );
        assert.deepEqual(
          (await dataSource.getRepository(RetiredToken).find({ order: { retiredAt: 'ASC' } })).map(({ retiredAt }) => retiredAt),
          [now - 60_000, now - 30_000, now - 3_000],
        );
      });

      const app = await TestApp.start(db(), { synchronize: false });
      try {
        app.clock.set(new Date(now));
        const refresh = (permanentToken: string) =>
          app.request<LoginBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': permanentToken } });
        const refreshed = await refresh(current);
        assert.equal(refreshed.status, 200, refreshed.text);
        assert.deepEqual(Object.keys(refreshed.json!).sort(), ['permanent_token', 'token']);
        const listed = await app.request<Array<{ id: number; created: string; current: boolean }>>({
          method: 'GET',
          path: '/devices',
          headers: { Authorization: `Bearer ${refreshed.json!.token}` },
        });
        assert.equal(listed.status, 200, listed.text);
        assert.deepEqual(listed.json!.map(({ id, created: listedCreated, current: isCurrent }) => ({ id, created: listedCreated, current: isCurrent })), [
          { id: 1, created: created.toISOString(), current: true },
          { id: 2, created: created.toISOString(), current: false },
          { id: 3, created: created.toISOString(), current: false },
          { id: 4, created: created.toISOString(), current: false },
        ]);
        const [first] = await app.devices();
        assert.deepEqual([first.generation, first.legacyTokenHash], [1, sha256(current)], 'the rotation left the legacy hash (and its index) alone');

        assert.equal((await refresh(current)).status, 400, 'the legacy token, rotated away just now: within the grace period');
        assert.equal((await refresh(retried)).status, 400, 'a token rotated away before the upgrade, within its grace period');
        assert.deepEqual((await app.devices()).map(({ id }) => id), [1, 2, 3, 4], 'no device was revoked within the grace periods');
        const imported = await refresh(drfImport);
        assert.equal(imported.status, 200, imported.text);

        assert.equal((await refresh(staleOlder)).status, 400, 'a token rotated away before the upgrade, shown again: reuse');
        assert.deepEqual((await app.devices()).map(({ id }) => id), [1, 3, 4], 'its device was revoked');
        app.clock.advance(GRACE_MS / 1000 + 1);
        assert.equal((await refresh(current)).status, 400);
        assert.deepEqual((await app.devices()).map(({ id }) => id), [3, 4], 'the legacy token after the grace period: reuse');
        const next = await refresh(imported.json!.permanent_token);
        assert.equal(next.status, 200, 'the version 2 token the drf import was rotated to refreshes');
        assert.equal(await app.dataSource.getRepository(RetiredToken).count(), 1, 'no retired rows were added, and those of revoked devices went');
      } finally {
        await app.close();
      }
    });
  });
});
