import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevicesService, JwtDevicesConfigError, JwtDevicesModule, type JwtDevicesModuleOptions } from '../../lib/index.js';
import { TEST_SECRET } from '../fixtures/test-app.js';
import { TestUsers } from '../fixtures/test-users.js';
import { forEachDatabase, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';
import { TrackedDataSources } from '../support/tracked-data-sources.js';

/** A feature module's service that needs the module's DevicesService. */
@Injectable()
class DeviceReport {
  constructor(readonly devices: DevicesService) {}
}

/** Boots an app of TypeORM, the given JwtDevicesModule and a feature module (importing `featureImports`), runs `work`, closes all. */
async function withApp(
  database: CreatedDatabase,
  jwtDevices: DynamicModule,
  featureImports: DynamicModule[],
  work: (app: INestApplicationContext) => Promise<void>,
): Promise<void> {
  const dataSources = new TrackedDataSources();
  @Module({ imports: featureImports, providers: [DeviceReport] })
  class FeatureModule {}
  @Module({
    imports: [
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...database.options, synchronize: true, autoLoadEntities: true }),
        dataSourceFactory: dataSources.factory,
      }),
      jwtDevices,
      FeatureModule,
    ],
  })
  class ScopeAppModule {}
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(ScopeAppModule, { logger: false, abortOnError: false });
    await work(app);
  } finally {
    await app?.close();
    await dataSources.closeAll();
  }
}

const options = (extra: Partial<JwtDevicesModuleOptions> = {}): JwtDevicesModuleOptions => ({ secret: TEST_SECRET, userService: new TestUsers(), ...extra });

/** The feature module holds the app's DevicesService, and it reads the device table. */
async function assertFeatureUsesDevices(app: INestApplicationContext): Promise<void> {
  const { devices } = app.get(DeviceReport);
  assert.ok(devices instanceof DevicesService);
  assert.deepEqual(await devices.listForUser(1), []);
}

describe('isGlobal: a static option', () => {
  it('a value other than true or false throws a JwtDevicesConfigError at once, from forRoot and forRootAsync', () => {
    const bad = 'yes' as unknown as boolean;
    const isGlobalProblem = (error: unknown) => error instanceof JwtDevicesConfigError && /isGlobal: must be true or false/.test(error.message);
    assert.throws(() => JwtDevicesModule.forRoot(options({ isGlobal: bad })), isGlobalProblem);
    assert.throws(() => JwtDevicesModule.forRootAsync({ isGlobal: bad, useFactory: () => options() }), isGlobalProblem);
  });
});

forEachDatabase((database) => {
  describe('isGlobal: where the module exports reach', () => {
    const db = useFreshDatabase(database);

    it('by default the module is global: a feature module that does not import it resolves DevicesService', async () => {
      await withApp(db(), JwtDevicesModule.forRoot(options()), [], assertFeatureUsesDevices);
    });

    it('isGlobal: true: a feature module that does not import it resolves DevicesService', async () => {
      await withApp(db(), JwtDevicesModule.forRoot(options({ isGlobal: true })), [], assertFeatureUsesDevices);
    });

    it('isGlobal: false: a feature module that does not import it cannot resolve DevicesService, and the boot fails naming it', async () => {
      await assert.rejects(
        withApp(db(), JwtDevicesModule.forRoot(options({ isGlobal: false })), [], async () => assert.fail('the app booted')),
        (error: Error) => /DeviceReport/.test(error.message) && /DevicesService/.test(error.message),
      );
    });

    it('isGlobal: false: a feature module that imports it resolves DevicesService', async () => {
      const jwtDevices = JwtDevicesModule.forRoot(options({ isGlobal: false }));
      await withApp(db(), jwtDevices, [jwtDevices], assertFeatureUsesDevices);
    });

    it('isGlobal: false with forRootAsync: a feature module that does not import it cannot resolve DevicesService', async () => {
      const jwtDevices = JwtDevicesModule.forRootAsync({ isGlobal: false, useFactory: () => options() });
      await assert.rejects(
        withApp(db(), jwtDevices, [], async () => assert.fail('the app booted')),
        (error: Error) => /DevicesService/.test(error.message),
      );
    });
  });
});
