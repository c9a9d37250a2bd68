import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { createPermanentToken } from '../../lib/crypto/permanent-tokens.js';
import { Device, JWT_DEVICES_ENTITIES, JWT_DEVICES_MIGRATIONS, RetiredToken } from '../../lib/index.js';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';
import { forEachDatabase, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';

const MIGRATION_NAMES = ['CreateJwtDevicesDevice1764100000000', 'CreateJwtDevicesRetiredToken1764100000001', 'ExactJwtDevicesKeys1764100000002', 'AddJwtDevicesClientAddress1764100000004'];
const HASH = 'c0ffee'.repeat(10) + 'abcd';

/** Runs `work` on a DataSource of the module's entities and the given migrations, then closes it. */
async function withDataSource<T>(database: CreatedDatabase, migrations: Function[], work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource({ ...database.options, entities: JWT_DEVICES_ENTITIES, migrations });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** The device table as the first migrations made it, before the client-address columns: today's entity cannot write to it. */
@Entity({ name: 'jwt_devices_device' })
class FirstDevice {
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

/** Logs alice (user 1 of TestApp) in on a database of the first migrations, as the module of that time did; returns her permanent token and device id. */
async function loginOnFirstSchema(database: CreatedDatabase): Promise<Pick<LoginBody, 'permanent_token' | 'device_id'>> {
  const dataSource = new DataSource({ ...database.options, entities: [FirstDevice] });
  await dataSource.initialize();
  try {
    const { token, hash } = createPermanentToken();
    const now = new Date();
    const row = { userId: '1', permanentTokenHash: hash, previousTokenHash: null, rotatedAt: null, name: 'okhttp', details: '', created: now, lastRequestDatetime: now };
    const { identifiers } = await dataSource.getRepository(FirstDevice).insert(row);
    return { permanent_token: token, device_id: Number(identifiers[0]!.id) };
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
        const hashIndex = indexes.find(({ columnNames }) => columnNames.join() === 'permanent_token_hash');
        assert.equal(hashIndex?.isUnique, true);

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
        const now = new Date();
        const devices = dataSource.getRepository(Device);
        const retired = dataSource.getRepository(RetiredToken);
        const { id } = await devices.save(
          devices.create({ userId: 'alice', permanentTokenHash: HASH, previousTokenHash: HASH, rotatedAt: now, name: 'n', details: '', created: now, lastRequestDatetime: now }),
        );
        await retired.insert({ tokenHash: HASH, deviceId: id, retiredAt: now });

        assert.equal(await devices.countBy({ userId: 'alice' }), 1);
        for (const lookalike of ['Alice', 'ALICE', 'alic\u00e9', 'alice ', 'alice\t']) {
          assert.equal(await devices.countBy({ userId: lookalike }), 0, `user_id = ${JSON.stringify(lookalike)}`);
        }
        for (const lookalike of [HASH.toUpperCase(), `${HASH} `]) {
          assert.equal(await devices.countBy({ permanentTokenHash: lookalike }), 0, `permanent_token_hash = ${JSON.stringify(lookalike)}`);
          assert.equal(await devices.countBy({ previousTokenHash: lookalike }), 0, `previous_token_hash = ${JSON.stringify(lookalike)}`);
          assert.equal(await retired.countBy({ tokenHash: lookalike }), 0, `token_hash = ${JSON.stringify(lookalike)}`);
        }
        assert.equal(await retired.countBy({ tokenHash: HASH }), 1);
      });
    });
  });

  describe('a database made by the earlier migrations, with a device in it, upgraded', () => {
    const db = useFreshDatabase(database);

    it('takes only the newer migrations, has no pending schema change, and its device still refreshes', async () => {
      const earlier = JWT_DEVICES_MIGRATIONS.slice(0, 2);
      await withDataSource(db(), earlier, (dataSource) => dataSource.runMigrations());
      const session = await loginOnFirstSchema(db());

      await withDataSource(db(), JWT_DEVICES_MIGRATIONS, async (dataSource) => {
        assert.deepEqual((await dataSource.runMigrations()).map(({ name }) => name), MIGRATION_NAMES.slice(2));
        assert.deepEqual(await pendingSchemaChanges(dataSource), []);
      });

      const after = await TestApp.start(db(), { synchronize: false });
      try {
        const refreshed = await after.request<LoginBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': session.permanent_token } });
        assert.equal(refreshed.status, 200, refreshed.text);
        assert.deepEqual(Object.keys(refreshed.json!).sort(), ['permanent_token', 'token']);
        const listed = await after.request<Array<{ id: number; current: boolean }>>({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${refreshed.json!.token}` } });
        assert.equal(listed.status, 200, listed.text);
        assert.deepEqual(listed.json!.map(({ id, current }) => ({ id, current })), [{ id: session.device_id, current: true }]);

        const again = await after.login('alice');
        assert.deepEqual((await after.devices()).map(({ id, userId }) => ({ id, userId })), [
          { id: session.device_id, userId: '1' },
          { id: again.device_id, userId: '1' },
        ]);
      } finally {
        await after.close();
      }
    });
  });
});
