/**
 * The sources of a small Nest app that uses the packed package the way users write apps: a `User`
 * entity and a migration of its own in its own TypeORM data source (the module's entities and
 * migrations added to it), users in that table with scrypt password hashes, JwtDevicesModule.forRootAsync
 * fed by its UsersService, JwtDevicesAuthGuard as APP_GUARD with @AllowAnonymous() on the public route,
 * and a strict global ValidationPipe. `shape` says the module format, HTTP adapter and database;
 * CommonJS apps are laid out as `nest new` lays them out (its tsconfig, extensionless imports, Jest e2e).
 * Its files are written into a temporary directory outside the repository, keyed by relative path.
 */
export type ConsumerFormat = 'commonjs' | 'esm';
export type ConsumerAdapter = 'express' | 'fastify';
export type ConsumerDatabase = 'postgres' | 'sqlite' | 'mariadb';

export interface ConsumerAppShape {
  format: ConsumerFormat;
  adapter: ConsumerAdapter;
  database: ConsumerDatabase;
  /** Whether the app has `nest new`'s Jest e2e set-up (test/jest-e2e.json, ts-jest, supertest). */
  jest: boolean;
}

/** The user the app creates when it starts (from SEED_USERNAME / SEED_PASSWORD) and the session logs in as. */
export const CONSUMER_APP_USER = { username: 'alice', password: 'alice-password-1' };

export const STRICT_PIPE = '{ whitelist: true, transform: true, forbidNonWhitelisted: true }';

/** tsconfig.json as `nest new` (NestJS 11) writes it for CommonJS apps; the ES module app uses the repository's strict settings. */
function tsconfig(shape: ConsumerAppShape): object {
  if (shape.format === 'commonjs') {
    return {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        resolvePackageJsonExports: true,
        esModuleInterop: true,
        isolatedModules: true,
        declaration: true,
        removeComments: true,
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
        allowSyntheticDefaultImports: true,
        target: 'ES2023',
        sourceMap: true,
        outDir: './dist',
        baseUrl: './',
        incremental: true,
        // `nest new` sets skipLibCheck; off here, so the published declarations type-check against the app's NestJS and TypeORM.
        skipLibCheck: false,
        strictNullChecks: true,
        forceConsistentCasingInFileNames: true,
        noImplicitAny: false,
        strictBindCallApply: false,
        noFallthroughCasesInSwitch: false,
      },
    };
  }
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: false,
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src/**/*.ts'],
  };
}

/** `nest new`'s tsconfig.build.json: the build leaves the tests out. */
const tsconfigBuild = { extends: './tsconfig.json', exclude: ['node_modules', 'test', 'dist', '**/*spec.ts'] };

/** `nest new`'s test/jest-e2e.json, unchanged. */
const jestE2e = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '.e2e-spec.ts$',
  transform: { '^.+\\.(t|j)s$': 'ts-jest' },
};

function dataSourceConnection(database: ConsumerDatabase): string {
  switch (database) {
    case 'postgres':
      return `type: 'postgres', url: process.env.DATABASE_URL`;
    case 'mariadb':
      return `type: 'mariadb', url: process.env.DATABASE_URL, charset: 'utf8mb4_unicode_ci', timezone: 'Z'`;
    case 'sqlite':
      return `type: 'better-sqlite3', database: process.env.DATABASE_FILE ?? ':memory:'`;
  }
}

function sources(shape: ConsumerAppShape): Record<string, string> {
  // `nest new` apps import without extensions (CommonJS resolution); ES modules need `.js`.
  const js = shape.format === 'esm' ? '.js' : '';
  const userEntity = `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'app_user' })
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 150, unique: true })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;
}
`;

  const userMigration = `import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAppUser1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'app_user',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'username', type: 'varchar', length: '150', isUnique: true },
          { name: 'password_hash', type: 'varchar', length: '200' },
          { name: 'is_active', type: 'boolean', default: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('app_user');
  }
}
`;

  const dataSource = `import type { DataSourceOptions } from 'typeorm';
import { JWT_DEVICES_ENTITIES, JWT_DEVICES_MIGRATIONS } from 'nestjs-jwt-devices';
import { CreateAppUser1700000000000 } from './migrations/1700000000000-create-app-user${js}';
import { User } from './users/user.entity${js}';

export function dataSourceOptions(): DataSourceOptions {
  return {
    ${dataSourceConnection(shape.database)},
    entities: [User, ...JWT_DEVICES_ENTITIES],
    migrations: [CreateAppUser1700000000000, ...JWT_DEVICES_MIGRATIONS],
    migrationsRun: true,
  };
}
`;

  const usersService = `import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { JwtDevicesUserService } from 'nestjs-jwt-devices';
import { Repository } from 'typeorm';
import { User } from './user.entity${js}';

@Injectable()
export class UsersService implements JwtDevicesUserService<User> {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async ensureUser(username: string, password: string): Promise<void> {
    if (await this.users.existsBy({ username })) return;
    const salt = randomBytes(16);
    const hash = scryptSync(password, salt, 32);
    await this.users.save(this.users.create({ username, passwordHash: \`\${salt.toString('hex')}:\${hash.toString('hex')}\` }));
  }

  async validateCredentials(username: string, password: string): Promise<User | null> {
    const user = await this.users.findOneBy({ username });
    if (!user) return null;
    const [salt, hash] = user.passwordHash.split(':');
    const given = scryptSync(password, Buffer.from(salt, 'hex'), 32);
    return timingSafeEqual(given, Buffer.from(hash, 'hex')) ? user : null;
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id: Number(id) });
  }
}
`;

  const usersModule = `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity${js}';
import { UsersService } from './users.service${js}';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
`;

  const appController = `import { Controller, Get } from '@nestjs/common';
import { AllowAnonymous, CurrentDevice, CurrentUser, type Device } from 'nestjs-jwt-devices';
import type { User } from './users/user.entity${js}';

@Controller()
export class AppController {
  @Get('me')
  me(@CurrentUser() user: User, @CurrentDevice() device: Device | null): { username: string; device_id: number | null } {
    return { username: user.username, device_id: device?.id ?? null };
  }

  @AllowAnonymous()
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }
}
`;

  const appModule = `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesAuthGuard, JwtDevicesModule } from 'nestjs-jwt-devices';
import { AppController } from './app.controller${js}';
import { dataSourceOptions } from './data-source${js}';
import { UsersModule } from './users/users.module${js}';
import { UsersService } from './users/users.service${js}';

@Module({
  imports: [
    TypeOrmModule.forRoot(dataSourceOptions()),
    UsersModule,
    JwtDevicesModule.forRootAsync({
      imports: [UsersModule],
      inject: [UsersService],
      useFactory: (users: UsersService) => ({ secret: process.env.JWT_SECRET ?? '', userService: users }),
    }),
  ],
  controllers: [AppController],
  providers: [{ provide: APP_GUARD, useClass: JwtDevicesAuthGuard }],
})
export class AppModule {}
`;

  const adapterImport = shape.adapter === 'fastify' ? `import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';\n` : '';
  const create = shape.adapter === 'fastify'
    ? `await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] })`
    : `await NestFactory.create(AppModule, { logger: ['error', 'warn'] })`;
  const boot = `  const app = ${create};
  app.useGlobalPipes(new ValidationPipe(${STRICT_PIPE}));
  await app.get(UsersService).ensureUser(process.env.SEED_USERNAME ?? '', process.env.SEED_PASSWORD ?? '');
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(\`listening on http://127.0.0.1:\${port}\`);
`;
  const main = `import type { AddressInfo } from 'node:net';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
${adapterImport}import { AppModule } from './app.module${js}';
import { UsersService } from './users/users.service${js}';

${shape.format === 'esm' ? boot.replace(/^ {2}/gm, '') : `async function bootstrap() {\n${boot}}\nbootstrap();\n`}`;

  return {
    'src/users/user.entity.ts': userEntity,
    'src/migrations/1700000000000-create-app-user.ts': userMigration,
    'src/data-source.ts': dataSource,
    'src/users/users.service.ts': usersService,
    'src/users/users.module.ts': usersModule,
    'src/app.controller.ts': appController,
    'src/app.module.ts': appModule,
    'src/main.ts': main,
  };
}

/** The Jest e2e spec a user adds beside `nest new`'s: the module imported through AppModule, a session through supertest. */
const e2eSpec = `import { INestApplication, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from './../src/app.module';
import { UsersService } from './../src/users/users.service';

const alice = ${JSON.stringify(CONSUMER_APP_USER)};

describe('Sessions (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleFixture = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleFixture.createNestApplication();
    app.useGlobalPipes(new ValidationPipe(${STRICT_PIPE}));
    await app.init();
    await app.get(UsersService).ensureUser(alice.username, alice.password);
  });

  afterAll(async () => {
    await app.close();
  });

  it('logs in, passes the global guard, rotates the permanent token, lists and logs out the device', async () => {
    const server = app.getHttpServer();
    await request(server).get('/me').expect(401);
    await request(server).get('/health').expect(200, { ok: true });
    await request(server).post('/auth-token').send({ ...alice, password: 'wrong-password' }).expect(400);

    const login = await request(server).post('/auth-token').set('X-Device-Model', 'jest').send(alice).expect(200);
    const { token, permanent_token, device_id } = login.body;
    await request(server).get('/me').set('Authorization', \`Bearer \${token}\`).expect(200, { username: alice.username, device_id });

    const refreshed = await request(server).post('/device-refresh-token').set('Permanent-Token', permanent_token).expect(200);
    expect(refreshed.body.permanent_token).not.toEqual(permanent_token);
    const devices = await request(server).get('/devices').set('Authorization', \`Bearer \${refreshed.body.token}\`).expect(200);
    expect(devices.body).toEqual([expect.objectContaining({ id: device_id, name: 'jest', current: true })]);

    await request(server).delete('/device-logout').set('Authorization', \`Bearer \${token}\`).set('Device-Id', String(device_id)).expect(204);
    await request(server).get('/me').set('Authorization', \`Bearer \${token}\`).expect(401);
    await request(server).post('/device-refresh-token').set('Permanent-Token', refreshed.body.permanent_token).expect(400);
  });
});
`;

/** Every file of the app but package.json, keyed by its path relative to the app's directory. */
export function consumerAppFiles(shape: ConsumerAppShape): Record<string, string> {
  const files: Record<string, string> = {
    'tsconfig.json': `${JSON.stringify(tsconfig(shape), null, 2)}\n`,
    ...sources(shape),
  };
  if (shape.format === 'commonjs') files['tsconfig.build.json'] = `${JSON.stringify(tsconfigBuild, null, 2)}\n`;
  if (shape.jest) {
    files['test/jest-e2e.json'] = `${JSON.stringify(jestE2e, null, 2)}\n`;
    files['test/app.e2e-spec.ts'] = e2eSpec;
  }
  return files;
}
