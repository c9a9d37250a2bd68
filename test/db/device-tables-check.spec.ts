import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { JWT_DEVICES_ENTITIES, JWT_DEVICES_MIGRATIONS } from '../../lib/index.js';
import { TestApp } from '../fixtures/test-app.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';

forEachDatabase((database) => {
  describe('the device tables at boot', () => {
    const db = useFreshDatabase(database);

    it('without synchronize and without the migrations, boot fails with an error that names the migrations', async () => {
      await assert.rejects(TestApp.start(db(), { synchronize: false }), (error: Error) => {
        assert.match(error.message, /jwt_devices_device and jwt_devices_retired_token tables do not exist/);
        assert.match(error.message, /JWT_DEVICES_MIGRATIONS/);
        assert.match(error.message, /migrationsRun/);
        assert.match(error.message, /synchronize/);
        return true;
      });
    });

    it('once the migrations ran, the app boots and a login creates its device', async () => {
      const dataSource = new DataSource({ ...db().options, entities: JWT_DEVICES_ENTITIES, migrations: JWT_DEVICES_MIGRATIONS });
      await dataSource.initialize();
      try {
        await dataSource.runMigrations();
      } finally {
        await dataSource.destroy();
      }
      const app = await TestApp.start(db(), { synchronize: false });
      try {
        const login = await app.login('alice');
        assert.deepEqual((await app.devices()).map(({ id }) => id), [login.device_id]);
      } finally {
        await app.close();
      }
    });
  });
});
