import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createSampleApp } from '../../sample-app/bootstrap.js';
import { useSampleApp } from '../fixtures/sample-app-in-process.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { TEST_PASSWORD_HASH_COST } from '../fixtures/test-password-hash-cost.js';
import { assertCleanError, MESSAGES } from '../security/support/clean-errors.js';
import { testDatabases, useFreshDatabase, type TestDataSourceOptions } from '../support/databases.js';
import { request, type HttpResponse } from '../support/http.js';

const PASSWORD = 'long enough password';

/** The module's answer to a database that is down, which sign-up shares: 503, its body and Retry-After. */
function assertUnavailable(response: HttpResponse): void {
  assertCleanError(response, 503, MESSAGES.unavailable);
  assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
}

const usernamesIn = async (dataSource: DataSource): Promise<string[]> =>
  (await dataSource.query('SELECT username FROM sample_app_user ORDER BY id') as Array<{ username: string }>).map(({ username }) => username);

for (const adapter of ['express', 'fastify'] as const) {
  describe(`sign-up (POST /users) of the sample app on ${adapter}`, () => {
    const sample = useSampleApp(adapter);
    let dataSource: DataSource;
    before(() => {
      dataSource = sample().app.get<DataSource>(getDataSourceToken());
    });
    const signUp = (body: unknown) => sample().call({ method: 'POST', path: '/users', body });

    it('refuses a password containing NUL with 400 and creates no user, since login would refuse that password for ever', async () => {
      const before = await usernamesIn(dataSource);
      const response = await signUp({ username: 'nina', password: 'long enough\u0000password' });
      assertCleanError(response, 400, ['password must not contain NUL characters']);
      assert.deepEqual(await usernamesIn(dataSource), before);
      const login = await sample().call({ method: 'POST', path: '/auth-token', body: { username: 'nina', password: 'long enough\u0000password' } });
      assertCleanError(login, 400, ['password must not contain NUL characters']);
    });

    it('refuses a username containing NUL with 400 and creates no user', async () => {
      const before = await usernamesIn(dataSource);
      const response = await signUp({ username: 'nina\u0000', password: PASSWORD });
      assertCleanError(response, 400, ['username may contain only letters, digits and @ . + - _']);
      assert.deepEqual(await usernamesIn(dataSource), before);
    });

    it('answers 503 with Retry-After, in the module\'s words, while the database is down; signs up again once it is back', async () => {
      await dataSource.destroy();
      let down: HttpResponse;
      try {
        down = await signUp({ username: 'olga', password: PASSWORD });
      } finally {
        await dataSource.initialize();
      }
      assertUnavailable(down);
      assert.deepEqual(await usernamesIn(dataSource), [], 'no user was created');
      const back = await signUp({ username: 'olga', password: PASSWORD });
      assert.equal(back.status, 201, back.text);
      assert.deepEqual(await usernamesIn(dataSource), ['olga']);
    });
  });
}

const postgres = testDatabases().find(({ name }) => name === 'postgres');

describe('sign-up of the sample app on PostgreSQL behind a proxy that fails', { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  const db = useFreshDatabase(postgres!);
  let proxy: TcpProxy;
  let app: Awaited<ReturnType<typeof createSampleApp>>['app'];
  let url: string;
  before(async () => {
    const direct = db().options as Extract<TestDataSourceOptions, { type: 'postgres' }>;
    proxy = await TcpProxy.start(direct.host ?? '127.0.0.1', direct.port ?? 5432);
    const auth = direct.password ? `${direct.username}:${direct.password}` : direct.username;
    ({ app } = await createSampleApp(
      {
        DATABASE_URL: `postgres://${auth}@127.0.0.1:${proxy.port}/${direct.database}`,
        JWT_SECRET: 'sample-app-test-secret-of-32-bytes-or-more',
        THROTTLE_LIMIT: '0',
        PURGE_INTERVAL: '0',
        PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
      },
      { logger: false },
    ));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  after(async () => {
    proxy?.restore();
    await app?.close();
    await proxy?.close();
  });

  it('answers 503 with Retry-After while the database refuses connections, and 201 once it is back', async () => {
    proxy.cut();
    assertUnavailable(await request(url, { method: 'POST', path: '/users', body: { username: 'pia', password: PASSWORD } }));
    proxy.restore();
    const back = await request(url, { method: 'POST', path: '/users', body: { username: 'pia', password: PASSWORD } });
    assert.equal(back.status, 201, back.text);
  });
});
