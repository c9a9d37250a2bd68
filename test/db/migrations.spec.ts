import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { JWT_DEVICES_ENTITIES, JWT_DEVICES_MIGRATIONS } from '../../lib/index.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';

forEachDatabase((database) => {
  describe('the shipped migrations', () => {
    const db = useFreshDatabase(database);

    it('create a schema the Device entity has no pending change against, and revert cleanly', async () => {
      const dataSource = new DataSource({ ...db().options, entities: JWT_DEVICES_ENTITIES, migrations: JWT_DEVICES_MIGRATIONS });
      await dataSource.initialize();
      try {
        const applied = await dataSource.runMigrations();
        assert.deepEqual(
          applied.map(({ name }) => name),
          ['CreateJwtDevicesDevice1764100000000', 'CreateJwtDevicesRetiredToken1764100000001'],
        );
        const pending = await dataSource.driver.createSchemaBuilder().log();
        assert.deepEqual(pending.upQueries.map(({ query }) => query), []);

        const indexes = (await dataSource.createQueryRunner().getTable('jwt_devices_device'))!.indices;
        const hashIndex = indexes.find(({ columnNames }) => columnNames.join() === 'permanent_token_hash');
        assert.equal(hashIndex?.isUnique, true);

        await dataSource.undoLastMigration();
        await dataSource.undoLastMigration();
        assert.equal(await dataSource.createQueryRunner().hasTable('jwt_devices_device'), false);
        assert.equal(await dataSource.createQueryRunner().hasTable('jwt_devices_retired_token'), false);
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
