import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import {
  Device,
  JwtDevicesConfigError,
  JwtDevicesModule,
  type JwtDevicesOptionsFactory,
  type JwtDevicesRuntimeOptions,
  JWT_DEVICES_ENTITIES,
} from '../../lib/index.js';
import { TEST_SECRET, type LoginBody } from '../fixtures/test-app.js';
import { TestAppController } from '../fixtures/test-app.controller.js';
import { TestUsers } from '../fixtures/test-users.js';
import { forEachDatabase, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';
import { request, type HttpResponse, type RequestOptions } from '../support/http.js';
import { TrackedDataSources } from '../support/tracked-data-sources.js';

type Imports = NonNullable<DynamicModule['imports']>;
interface TypeOrmChoice {
  autoLoadEntities?: boolean;
  entities?: Array<new () => object>;
}

/** An app entity, so the TypeORM setup that forgets `Device` still lists entities of its own. */
@Entity({ name: 'module_api_note' })
class Note {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  text: string;
}

/** A booted app, or the error its boot failed with; every DataSource it opened is closed on close(). */
class BootedApp {
  private constructor(
    private readonly app: INestApplication,
    private readonly url: string,
    private readonly dataSources: TrackedDataSources,
    /** What the app logged as errors: an unexpected answer's assertion shows them, since the cause is only logged. */
    readonly loggedErrors: string[],
  ) {}

  /**
   * `imports` beside TypeORM; TypeORM goes through `dataSourceFactory` so the test holds the
   * DataSource even when the boot fails, and can close it.
   */
  static async start(database: CreatedDatabase, imports: Imports, typeorm: TypeOrmChoice = {}): Promise<BootedApp> {
    const { autoLoadEntities = true, entities = [] } = typeorm;
    const dataSources = new TrackedDataSources();
    @Module({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...database.options, synchronize: true, autoLoadEntities, entities }),
          dataSourceFactory: dataSources.factory,
        }),
        ...imports,
      ],
      controllers: [TestAppController],
    })
    class ModuleApiAppModule {}
    const loggedErrors: string[] = [];
    const logger = { log() {}, warn() {}, error: (...parts: unknown[]) => void loggedErrors.push(parts.map(String).join(' ')) };
    let app: INestApplication;
    try {
      app = await NestFactory.create(ModuleApiAppModule, new ExpressAdapter(), { logger, abortOnError: false });
    } catch (error) {
      await dataSources.closeAll();
      throw error;
    }
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return new BootedApp(app, `http://127.0.0.1:${port}`, dataSources, loggedErrors);
  }

  /** The error the boot fails with; fails the test when the app boots. */
  static async failure(database: CreatedDatabase, imports: Imports, options: TypeOrmChoice = {}): Promise<Error> {
    let app: BootedApp | undefined;
    try {
      app = await BootedApp.start(database, imports, options);
    } catch (error) {
      assert.ok(error instanceof Error, `boot failed with a non-Error: ${String(error)}`);
      return error;
    }
    await app.close();
    assert.fail('the app booted');
  }

  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>> {
    return request<T>(this.url, options);
  }

  async login(path = '/auth-token'): Promise<HttpResponse<LoginBody>> {
    return this.request<LoginBody>({ method: 'POST', path, body: { username: 'alice', password: 'alice-password' } });
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.dataSources.closeAll();
  }
}

function claimsOf(token: string): Record<string, number> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, number>;
}

/** Boots, logs alice in, proves the token authenticates /profile, and returns the login answer. */
async function assertServesLogins(app: BootedApp, loginPath = '/auth-token'): Promise<LoginBody> {
  const login = await app.login(loginPath);
  assert.equal(login.status, 200, `${login.text}; the app logged: ${JSON.stringify(app.loggedErrors)}`);
  assert.deepEqual(Object.keys(login.json!).sort(), ['device_id', 'permanent_token', 'token']);
  const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${login.json!.token}` } });
  assert.equal(profile.status, 200, profile.text);
  assert.deepEqual(profile.json, { id: 1, username: 'alice', device_id: login.json!.device_id });
  return login.json!;
}

function assertConfigError(error: Error, expected: RegExp[]): void {
  assert.ok(error instanceof JwtDevicesConfigError, `expected a JwtDevicesConfigError, got ${error.name}: ${error.message}`);
  for (const pattern of expected) {
    const problem = error.problems.find((candidate) => pattern.test(candidate));
    assert.ok(problem, `no problem matches ${pattern}: ${JSON.stringify(error.problems)}`);
    assert.ok(error.message.includes(`- ${problem}`), `the message does not list "${problem}"`);
  }
  assert.equal(error.problems.length, expected.length, JSON.stringify(error.problems));
}

/** Where an app keeps the settings the module is configured from, in a module of its own. */
@Injectable()
class AuthSettings {
  readonly users = new TestUsers();
  readonly secret = TEST_SECRET;
}

@Module({ providers: [AuthSettings], exports: [AuthSettings] })
class AuthSettingsModule {}

/** A `useClass` options factory that injects an app service from `imports`. */
@Injectable()
class JwtOptionsFromSettings implements JwtDevicesOptionsFactory {
  constructor(private readonly settings: AuthSettings) {}

  createJwtDevicesOptions(): JwtDevicesRuntimeOptions {
    return { secret: this.settings.secret, userService: this.settings.users, accessTokenTtl: '2m' };
  }
}

/** A `useExisting` options factory: one instance, owned and exported by the app's module. */
@Injectable()
class ExistingJwtOptions implements JwtDevicesOptionsFactory {
  static instances = 0;
  readonly users = new TestUsers();
  constructor() {
    ExistingJwtOptions.instances++;
  }

  createJwtDevicesOptions(): JwtDevicesRuntimeOptions {
    return { secret: TEST_SECRET, userService: this.users, accessTokenTtl: 180 };
  }
}

@Module({ providers: [ExistingJwtOptions], exports: [ExistingJwtOptions] })
class ExistingJwtOptionsModule {}

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  describe('forRoot validation at boot', () => {
    it('a boot with many bad options fails with one JwtDevicesConfigError naming every problem', async () => {
      const error = await BootedApp.failure(db(), [
        JwtDevicesModule.forRoot({
          secret: 'too-short-secret',
          leeway: 121,
          rotationGracePeriod: -1,
          rotatePermanentTokens: false,
          permanentTokenExpirationAccuracy: '8d',
          maxDevicesPerUser: 0,
          userService: new TestUsers(),
          ...({ accessTokenTTL: 60 } as object),
        }),
      ]);
      assertConfigError(error, [
        /^secret: .*at least 32 bytes/,
        /^leeway: .*at most 120/,
        /^rotationGracePeriod: /,
        /^permanentTokenExpirationAccuracy: must be shorter than permanentTokenExpirationDelta/,
        /^maxDevicesPerUser: /,
        /^accessTokenTTL: unknown option/,
      ]);
    });

    it("algorithm 'none' stops the boot", async () => {
      const error = await BootedApp.failure(db(), [
        JwtDevicesModule.forRoot({ secret: TEST_SECRET, algorithm: 'none' as 'HS256', userService: new TestUsers() }),
      ]);
      assertConfigError(error, [/^algorithm: must be one of HS256/]);
    });

    it('RS256 without keys stops the boot', async () => {
      const error = await BootedApp.failure(db(), [JwtDevicesModule.forRoot({ algorithm: 'RS256', userService: new TestUsers() })]);
      assertConfigError(error, [/^privateKey, publicKey: both required for RS256/]);
    });

    it('routes: { prefix } mounts the built-in routes under the prefix, and nowhere else', async () => {
      const app = await BootedApp.start(db(), [
        JwtDevicesModule.forRoot({ secret: TEST_SECRET, userService: new TestUsers(), routes: { prefix: 'api/auth' } }),
      ]);
      try {
        await assertServesLogins(app, '/api/auth/auth-token');
        assert.equal((await app.login('/auth-token')).status, 404);
      } finally {
        await app.close();
      }
    });

    it('routes: false mounts no built-in route, and the guard still works', async () => {
      const users = new TestUsers();
      const app = await BootedApp.start(db(), [JwtDevicesModule.forRoot({ secret: TEST_SECRET, userService: users, routes: false })]);
      try {
        assert.equal((await app.login()).status, 404);
        const profile = await app.request({ method: 'GET', path: '/profile' });
        assert.equal(profile.status, 401);
      } finally {
        await app.close();
      }
    });
  });

  describe('forRootAsync', () => {
    it('useFactory with inject and imports serves logins with the options it built', async () => {
      const app = await BootedApp.start(db(), [
        JwtDevicesModule.forRootAsync({
          imports: [AuthSettingsModule],
          inject: [AuthSettings],
          useFactory: async (settings: AuthSettings) => ({ secret: settings.secret, userService: settings.users, accessTokenTtl: '10m' }),
        }),
      ]);
      try {
        const { token } = await assertServesLogins(app);
        const claims = claimsOf(token);
        assert.equal(claims.exp - claims.iat, 600);
      } finally {
        await app.close();
      }
    });

    it('useClass with an injected app service serves logins with the options it built', async () => {
      const app = await BootedApp.start(db(), [
        JwtDevicesModule.forRootAsync({ imports: [AuthSettingsModule], useClass: JwtOptionsFromSettings }),
      ]);
      try {
        const { token } = await assertServesLogins(app);
        const claims = claimsOf(token);
        assert.equal(claims.exp - claims.iat, 120);
      } finally {
        await app.close();
      }
    });

    it("useExisting reuses the app module's own factory instance and serves logins", async () => {
      ExistingJwtOptions.instances = 0;
      const app = await BootedApp.start(db(), [
        ExistingJwtOptionsModule,
        JwtDevicesModule.forRootAsync({ imports: [ExistingJwtOptionsModule], useExisting: ExistingJwtOptions }),
      ]);
      try {
        const { token } = await assertServesLogins(app);
        const claims = claimsOf(token);
        assert.equal(claims.exp - claims.iat, 180);
        assert.equal(ExistingJwtOptions.instances, 1);
      } finally {
        await app.close();
      }
    });

    it('static options (routes) go to forRootAsync itself', async () => {
      const app = await BootedApp.start(db(), [
        JwtDevicesModule.forRootAsync({
          routes: { prefix: 'v2' },
          useFactory: () => ({ secret: TEST_SECRET, userService: new TestUsers() }),
        }),
      ]);
      try {
        await assertServesLogins(app, '/v2/auth-token');
      } finally {
        await app.close();
      }
    });

    it('options from the factory are validated at boot: one JwtDevicesConfigError', async () => {
      const error = await BootedApp.failure(db(), [
        JwtDevicesModule.forRootAsync({ useFactory: () => ({ secret: 'short', accessTokenTtl: -5, userService: new TestUsers() }) }),
      ]);
      assertConfigError(error, [/^secret: /, /^accessTokenTtl: must be a non-negative/]);
    });

    it('routes returned by the factory stop the boot, saying where they belong', async () => {
      const error = await BootedApp.failure(db(), [
        JwtDevicesModule.forRootAsync({
          useFactory: () => ({ secret: TEST_SECRET, userService: new TestUsers(), routes: false }) as JwtDevicesRuntimeOptions,
        }),
      ]);
      assertConfigError(error, [/^routes: .*forRootAsync\(\) itself/]);
    });

    it('naming two option sources (or none) throws a JwtDevicesConfigError at once', () => {
      assert.throws(
        () => JwtDevicesModule.forRootAsync({ useFactory: () => ({ userService: new TestUsers() }), useClass: JwtOptionsFromSettings }),
        (error: unknown) => error instanceof JwtDevicesConfigError && /exactly one of useFactory, useClass or useExisting/.test(error.message),
      );
      assert.throws(() => JwtDevicesModule.forRootAsync({}), JwtDevicesConfigError);
    });
  });

  describe('a TypeORM setup without the Device entity', () => {
    it('fails at boot with a message naming autoLoadEntities and Device, not a TypeORM error', async () => {
      const error = await BootedApp.failure(db(), [JwtDevicesModule.forRoot({ secret: TEST_SECRET, userService: new TestUsers() })], {
        autoLoadEntities: false,
        entities: [Note],
      });
      assert.match(error.message, /autoLoadEntities/);
      assert.match(error.message, /\bDevice\b/);
      assert.doesNotMatch(error.message, /No metadata|EntityMetadataNotFound|QueryFailed|SQLITE|relation .* does not exist/i);
    });

    it('a setup listing Device but not RetiredToken fails at boot naming RetiredToken', async () => {
      const error = await BootedApp.failure(db(), [JwtDevicesModule.forRoot({ secret: TEST_SECRET, userService: new TestUsers() })], {
        autoLoadEntities: false,
        entities: [Note, Device],
      });
      assert.match(error.message, /\bRetiredToken\b/);
      assert.match(error.message, /JWT_DEVICES_ENTITIES/);
    });

    it('the same setup with JWT_DEVICES_ENTITIES added to its entities boots and serves logins', async () => {
      const app = await BootedApp.start(db(), [JwtDevicesModule.forRoot({ secret: TEST_SECRET, userService: new TestUsers() })], {
        autoLoadEntities: false,
        entities: [Note, ...JWT_DEVICES_ENTITIES],
      });
      try {
        await assertServesLogins(app);
      } finally {
        await app.close();
      }
    });
  });
});
