import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { Device, JWT_DEVICES_CLOCK, JwtDevicesModule, RequestBodyErrorsFilter } from '../../lib/index.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { TEST_SECRET } from '../fixtures/test-app.js';
import { TestUsers } from '../fixtures/test-users.js';
import { forEachDatabase, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';
import { request, type HttpResponse, type RequestOptions } from '../support/http.js';
import { MESSAGES } from './support/clean-errors.js';
import { sha256Hex, signatureOf } from './support/jws-forge.js';

const GRACE_SECONDS = 10;

/** Everything anyone logged, one entry per call, arguments included. */
class LogCapture {
  readonly nest: string[] = [];
  readonly queries: string[] = [];

  /** A Nest logger that records every level. */
  readonly nestLogger: LoggerService = {
    log: (...args: unknown[]) => this.nest.push(`log ${render(args)}`),
    error: (...args: unknown[]) => this.nest.push(`error ${render(args)}`),
    warn: (...args: unknown[]) => this.nest.push(`warn ${render(args)}`),
    debug: (...args: unknown[]) => this.nest.push(`debug ${render(args)}`),
    verbose: (...args: unknown[]) => this.nest.push(`verbose ${render(args)}`),
    fatal: (...args: unknown[]) => this.nest.push(`fatal ${render(args)}`),
  };

  /** The app's TypeORM logger, as an app with `logging: 'all'` would have one; the module wraps it. */
  readonly typeormLogger: TypeOrmLogger = {
    logQuery: (query, parameters) => this.queries.push(`query ${query} -- ${render([parameters])}`),
    logQueryError: (error, query, parameters) => this.queries.push(`query-error ${render([error])} ${query} -- ${render([parameters])}`),
    logQuerySlow: (time, query, parameters) => this.queries.push(`query-slow ${time} ${query} -- ${render([parameters])}`),
    logSchemaBuild: (message) => this.queries.push(`schema ${message}`),
    logMigration: (message) => this.queries.push(`migration ${message}`),
    log: (level, message) => this.queries.push(`${level} ${render([message])}`),
  };

  get all(): string {
    return [...this.nest, ...this.queries].join('\n');
  }
}

/** Every argument in full: errors with their stacks and own properties, objects to any depth. */
function render(args: unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: null, showHidden: false, breakLength: Infinity }))).join(' ');
}

/** The pattern of test/fixtures/test-app.ts, with the app's loggers in the test's hands. */
async function startApp(database: CreatedDatabase, capture: LogCapture): Promise<{ app: INestApplication; url: string; clock: FakeClock; dataSource: DataSource }> {
  const clock = new FakeClock();
  @Module({
    imports: [
      TypeOrmModule.forRoot({ ...database.options, autoLoadEntities: true, synchronize: true, logging: 'all', logger: capture.typeormLogger }),
      JwtDevicesModule.forRoot({ secret: TEST_SECRET, userService: new TestUsers(), providers: [{ provide: JWT_DEVICES_CLOCK, useValue: clock }] }),
    ],
  })
  class LoggedAppModule {}
  const app = await NestFactory.create(LoggedAppModule, { logger: capture.nestLogger, abortOnError: false });
  app.useGlobalFilters(new RequestBodyErrorsFilter(app.getHttpAdapter()));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, clock, dataSource: app.get<DataSource>(getDataSourceToken()) };
}

interface Session {
  token: string;
  permanent_token: string;
  device_id: number;
}

forEachDatabase((database) => {
  describe('secrets in logs: a whole session with query logging on', () => {
    const db = useFreshDatabase(database);
    const capture = new LogCapture();
    const secrets = new Set<string>([TEST_SECRET, 'alice-password']);
    const answers: HttpResponse[] = [];
    let started: Awaited<ReturnType<typeof startApp>>;
    let collidedHash: string;

    const send = async <T>(options: RequestOptions): Promise<HttpResponse<T>> => {
      const response = await request<T>(started.url, options);
      answers.push(response);
      const body = response.json as Partial<Session> | undefined;
      if (body?.token) secrets.add(body.token).add(signatureOf(body.token));
      if (body?.permanent_token) secrets.add(body.permanent_token).add(sha256Hex(body.permanent_token));
      return response;
    };
    const login = async (): Promise<Session> => {
      const response = await send<Session>({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } });
      assert.equal(response.status, 200, response.text);
      return response.json!;
    };
    const refresh = (token: string) => send<Session>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token } });

    before(async () => {
      started = await startApp(db(), capture);

      // login, rotation, a failed refresh, reuse detection, logout
      const first = await login();
      const rotated = await refresh(first.permanent_token);
      assert.equal(rotated.status, 200, rotated.text);
      assert.equal((await refresh('never-issued-token-of-43-characters-xxxxxxx')).status, 400);
      started.clock.advance(GRACE_SECONDS + 1);
      assert.equal((await refresh(first.permanent_token)).status, 400, 'reuse of the rotated-away token');
      assert.equal((await send({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${rotated.json!.token}` } })).status, 401, 'the revoked device');
      const second = await login();
      const logout = await send({ method: 'DELETE', path: '/device-logout', headers: { Authorization: `Bearer ${second.token}`, 'Device-Id': String(second.device_id) } });
      assert.equal(logout.status, 204, logout.text);

      // a statement fails with the hash in the driver's error (MariaDB quotes the key, PostgreSQL its detail): an app
      // imports a drf-jwt-devices token twice, and the second INSERT meets the unique legacy hash; the token still refreshes
      const imported = 'a3f1'.repeat(10);
      secrets.add(imported);
      collidedHash = sha256Hex(imported);
      const devices = started.dataSource.getRepository(Device);
      const at = started.clock.now().getTime();
      const row = { userId: '1', tokenHash: null, generation: 0, legacyTokenHash: collidedHash, rotatedAt: null, name: 'drf', details: '', created: at, lastRequestDatetime: at };
      await devices.insert({ ...row });
      await assert.rejects(devices.insert({ ...row }));
      const collided = await refresh(imported);
      assert.equal(collided.status, 200, collided.text);

      // the database fails mid-session: every statement on the device table errors out
      const third = await login();
      await started.dataSource.query(`DROP TABLE ${started.dataSource.driver.escape('jwt_devices_device')}`);
      for (const response of [
        await send({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${third.token}` } }),
        await refresh(third.permanent_token),
        await send({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } }),
      ]) {
        assert.equal(response.status, 503, response.text);
        assert.deepEqual(response.json, { statusCode: 503, message: MESSAGES.unavailable, error: 'Service Unavailable' });
      }
    });
    after(async () => {
      await started?.app.close();
    });

    it('captured the SQL of the session, with parameters, and the errors of the failing statements', () => {
      assert.ok(capture.queries.some((line) => /^query INSERT INTO/i.test(line)), 'no INSERT was logged');
      assert.ok(capture.queries.some((line) => /^query UPDATE/i.test(line)), 'no UPDATE (the rotation) was logged');
      assert.ok(capture.queries.some((line) => /^query SELECT/i.test(line)), 'no SELECT was logged');
      assert.ok(capture.queries.some((line) => line.startsWith('query-error ')), 'no failing statement was logged');
    });

    it("captured the module's own lines: the reuse warning and the 503s", () => {
      assert.ok(capture.nest.some((line) => /^warn Permanent token reuse detected/.test(line)), capture.nest.join('\n'));
      assert.ok(capture.nest.filter((line) => /^error Device store failed \(.+\); answering 503/.test(line)).length >= 3, capture.nest.join('\n'));
    });

    it('logged token hashes only as [redacted], in queries and in the errors of failing queries', () => {
      assert.ok(capture.queries.some((line) => line.startsWith('query ') && line.includes('[redacted]')), 'no parameter was redacted');
      assert.ok(capture.queries.some((line) => line.startsWith('query-error ') && line.includes('[redacted]')), 'no failing query carried a redacted hash');
      const hex = /\b[0-9a-f]{64}\b/i.exec(capture.all);
      assert.equal(hex, null, `a 64-hex string was logged: ${hex?.[0]}`);
    });

    it("logged the unique violation of the imported legacy hash, with that hash redacted in the driver's error too", () => {
      // The logins after the table is dropped fail on it too, with no such table.
      const failed = capture.queries.filter((line) => /^query-error .*INSERT INTO \S*jwt_devices_device/s.test(line) && !/no such table|does(n't| not) exist/i.test(line));
      assert.equal(failed.length, 1, capture.queries.filter((line) => line.startsWith('query-error ')).join('\n'));
      assert.match(failed[0], /duplicate|unique/i, 'the error says what failed');
      if (database.name === 'mariadb') assert.match(failed[0], /Duplicate entry '\[redacted\]'/, 'MariaDB quotes the key in its message');
      assert.ok(!capture.all.includes(collidedHash), 'the colliding hash was logged');
    });

    it('logged no access token, JWT signature, permanent token, token hash, password or signing secret', () => {
      assert.ok(secrets.size >= 12, `only ${secrets.size} secrets were collected`);
      const logs = capture.all;
      for (const secret of secrets) assert.ok(!logs.includes(secret), `a secret was logged: ${secret.slice(0, 12)}…`);
      assert.equal(/eyJ[A-Za-z0-9_-]{8,}/.exec(logs), null, 'something JWT-shaped was logged');
    });

    it('answered every failure of the session with a body that carries none of them', () => {
      const failures = answers.filter(({ status }) => status >= 400);
      assert.ok(failures.length >= 6, `${failures.length} failures`);
      for (const { status, text } of failures) {
        for (const secret of secrets) assert.ok(!text.includes(secret), `a ${status} body carries a secret: ${text}`);
        assert.doesNotMatch(text, /\b[0-9a-f]{64}\b|eyJ[A-Za-z0-9_-]{8,}|jwt_devices_|SELECT|INSERT|UPDATE|QueryFailedError/);
      }
    });
  });
});
