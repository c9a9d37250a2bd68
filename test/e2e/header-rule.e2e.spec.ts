import 'reflect-metadata';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesModule, type JwtDevicesRuntimeOptions } from '../../lib/index.js';
import { TestApp, TEST_SECRET, useTestApp, type AdapterName, type LoginBody } from '../fixtures/test-app.js';
import { TestAppController } from '../fixtures/test-app.controller.js';
import { TestUsers } from '../fixtures/test-users.js';
import { forEachDatabase, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';
import { request, type HttpResponse, type RequestOptions } from '../support/http.js';

const HEADER_REFUSED = {
  statusCode: 400,
  message: 'The Permanent-Token header is only accepted by the device refresh route.',
  error: 'Bad Request',
};
const ADAPTERS: AdapterName[] = ['express', 'fastify'];
const HEADER_SPELLINGS = ['Permanent-Token', 'permanent-token', 'PERMANENT-TOKEN', 'pErMaNeNt-ToKeN'];

interface Requester {
  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>>;
}

/** The Device rows as plain values, to compare before and after a request. */
async function rows(app: TestApp): Promise<unknown[]> {
  return (await app.devices()).map((device) => ({ ...device }));
}

/** 400 with the header-rule body, and the handler never ran. */
async function assertHeaderRefused(app: Requester, options: RequestOptions): Promise<void> {
  const callsBefore = TestAppController.calls;
  const response = await app.request(options);
  assert.equal(response.status, 400, `expected 400, got ${response.status}: ${response.text}`);
  if (options.method !== 'HEAD') assert.deepEqual(response.json, HEADER_REFUSED);
  assert.equal(TestAppController.calls, callsBefore, 'the handler ran');
}

/** The request reached its handler with the answer the handler gives. */
async function assertHandled(app: Requester, options: RequestOptions, status = 200): Promise<HttpResponse> {
  const response = await app.request(options);
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${response.text}`);
  return response;
}

/** An app whose module comes from `forRootAsync({ useFactory })`, on Express. */
class AsyncApp implements Requester {
  private constructor(private readonly app: INestApplication, private readonly url: string) {}

  static async start(database: CreatedDatabase, runtime: Partial<JwtDevicesRuntimeOptions>): Promise<AsyncApp> {
    const users = new TestUsers();
    @Module({
      imports: [
        TypeOrmModule.forRoot({ ...database.options, autoLoadEntities: true, synchronize: true }),
        JwtDevicesModule.forRootAsync({ useFactory: async () => ({ secret: TEST_SECRET, userService: users, ...runtime }) }),
      ],
      controllers: [TestAppController],
    })
    class AsyncAppModule {}
    const app = await NestFactory.create(AsyncAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return new AsyncApp(app, `http://127.0.0.1:${port}`);
  }

  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>> {
    return request<T>(this.url, options);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  for (const adapter of ADAPTERS) {
    describe(`the Permanent-Token header rule (${adapter})`, () => {
      const app = useTestApp(db, { adapter });
      let alice: LoginBody;
      let other: LoginBody;
      before(async () => {
        alice = await app().login('alice');
        other = await app().login('alice');
      });
      const auth = () => ({ Authorization: `Bearer ${alice.token}` });

      for (const name of HEADER_SPELLINGS) {
        it(`login with a "${name}" header gets 400 and creates no device`, async () => {
          const before = await rows(app());
          await assertHeaderRefused(app(), {
            method: 'POST',
            path: '/auth-token',
            headers: { [name]: alice.permanent_token },
            body: { username: 'alice', password: 'alice-password' },
          });
          assert.deepEqual(await rows(app()), before);
        });

        it(`GET /public with a "${name}" header gets 400 and the handler never runs`, async () => {
          await assertHeaderRefused(app(), { method: 'GET', path: '/public', headers: { [name]: 'anything' } });
        });
      }

      it('DELETE /device-logout with the header gets 400 and the device stays', async () => {
        const before = await rows(app());
        await assertHeaderRefused(app(), {
          method: 'DELETE',
          path: '/device-logout',
          headers: { ...auth(), 'Device-Id': String(other.device_id), 'Permanent-Token': other.permanent_token },
        });
        assert.deepEqual(await rows(app()), before);
      });

      it('DELETE /devices/:id with the header gets 400 and the device stays', async () => {
        const before = await rows(app());
        await assertHeaderRefused(app(), {
          method: 'DELETE',
          path: `/devices/${other.device_id}`,
          headers: { ...auth(), 'Permanent-Token': 'x' },
        });
        assert.deepEqual(await rows(app()), before);
      });

      it('POST /devices/logout-others with the header gets 400 and every device stays', async () => {
        const before = await rows(app());
        await assertHeaderRefused(app(), { method: 'POST', path: '/devices/logout-others', headers: { ...auth(), 'Permanent-Token': 'x' }, body: '' });
        assert.deepEqual(await rows(app()), before);
      });

      it('GET /devices with the header gets 400', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/devices', headers: { ...auth(), 'Permanent-Token': alice.permanent_token } });
      });

      it('GET /devices with the header and no access token gets the 400, not a 401', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/devices', headers: { 'Permanent-Token': 'x' } });
      });

      it('POST /auth-token/refresh with the header gets 400', async () => {
        await assertHeaderRefused(app(), { method: 'POST', path: '/auth-token/refresh', headers: { 'Permanent-Token': 'x' }, body: { token: alice.token } });
      });

      it('POST /auth-token/verify with the header gets 400 (its token would verify)', async () => {
        const control = await app().request({ method: 'POST', path: '/auth-token/verify', body: { token: alice.token } });
        assert.equal(control.status, 200);
        await assertHeaderRefused(app(), { method: 'POST', path: '/auth-token/verify', headers: { 'Permanent-Token': 'x' }, body: { token: alice.token } });
      });

      it('POST /public with the header gets 400 and the handler never runs', async () => {
        await assertHeaderRefused(app(), { method: 'POST', path: '/public', headers: { 'Permanent-Token': 'x' }, body: { a: 1 } });
      });

      it('HEAD /public with the header gets 400', async () => {
        await assertHeaderRefused(app(), { method: 'HEAD', path: '/public', headers: { 'Permanent-Token': 'x' } });
      });

      it('GET /public/ (trailing slash) and GET /public?x=1 with the header get 400', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/public/', headers: { 'Permanent-Token': 'x' } });
        await assertHeaderRefused(app(), { method: 'GET', path: '/public?x=1', headers: { 'Permanent-Token': 'x' } });
      });

      it('a repeated Permanent-Token header on GET /public gets 400', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/public', headers: [['Permanent-Token', 'a'], ['Permanent-Token', 'b']] });
      });

      it('GET /profile with a valid access token and the header gets 400 and the handler never runs', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/profile', headers: { ...auth(), 'Permanent-Token': alice.permanent_token } });
      });

      it('GET /profile with the header and no access token gets the 400 before the 401', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/profile', headers: { 'Permanent-Token': 'x' } });
      });

      it('GET /profile with the header and an invalid access token gets the 400 before the 401', async () => {
        await assertHeaderRefused(app(), { method: 'GET', path: '/profile', headers: { Authorization: 'Bearer a.b.c', 'Permanent-Token': 'x' } });
      });

      it('the device refresh route accepts the header (200)', async () => {
        const response = await app().request<Record<string, unknown>>({
          method: 'POST',
          path: '/device-refresh-token',
          headers: { 'permanent-token': other.permanent_token },
          body: '',
        });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(Object.keys(response.json!).sort(), ['permanent_token', 'token']);
        other = { ...other, token: response.json!.token as string, permanent_token: response.json!.permanent_token as string };
      });

      it('GET /allowed (@AllowPermanentToken) with the header runs its handler', async () => {
        const callsBefore = TestAppController.calls;
        const response = await assertHandled(app(), { method: 'GET', path: '/allowed', headers: { 'Permanent-Token': 'x' } });
        assert.deepEqual(response.json, { ok: true });
        assert.equal(TestAppController.calls, callsBefore + 1);
      });

      it('an empty Permanent-Token header is not blocked: GET/POST /public and GET /profile run their handlers', async () => {
        const callsBefore = TestAppController.calls;
        assert.deepEqual((await assertHandled(app(), { method: 'GET', path: '/public', headers: { 'Permanent-Token': '' } })).json, { ok: true });
        assert.deepEqual((await assertHandled(app(), { method: 'POST', path: '/public', headers: { 'Permanent-Token': '' }, body: { a: 1 } })).json, { ok: true, body: { a: 1 } });
        const profile = await assertHandled(app(), { method: 'GET', path: '/profile', headers: { ...auth(), 'Permanent-Token': '' } });
        assert.deepEqual(profile.json, { id: 1, username: 'alice', device_id: alice.device_id });
        assert.equal(TestAppController.calls, callsBefore + 3);
      });

      it('an empty Permanent-Token header is not blocked on login, which creates a device', async () => {
        const before = (await app().devices()).length;
        const response = await assertHandled(app(), {
          method: 'POST',
          path: '/auth-token',
          headers: { 'Permanent-Token': '' },
          body: { username: 'alice', password: 'alice-password' },
        });
        assert.equal((await app().devices()).length, before + 1);
        assert.equal(typeof (response.json as LoginBody).device_id, 'number');
      });
    });
  }

  describe('headerRules: false', () => {
    const app = useTestApp(db, { module: { headerRules: false } });
    let alice: LoginBody;
    before(async () => {
      alice = await app().login('alice');
    });

    it('unguarded app routes run their handlers with the header', async () => {
      const callsBefore = TestAppController.calls;
      assert.deepEqual((await assertHandled(app(), { method: 'GET', path: '/public', headers: { 'Permanent-Token': 'x' } })).json, { ok: true });
      assert.deepEqual((await assertHandled(app(), { method: 'POST', path: '/public', headers: { 'Permanent-Token': 'x' }, body: {} })).json, { ok: true, body: {} });
      assert.equal(TestAppController.calls, callsBefore + 2);
    });

    it('login with the header logs in (the interceptor is off)', async () => {
      const before = (await app().devices()).length;
      await assertHandled(app(), { method: 'POST', path: '/auth-token', headers: { 'Permanent-Token': 'x' }, body: { username: 'alice', password: 'alice-password' } });
      assert.equal((await app().devices()).length, before + 1);
    });

    it("the module's guard still applies the rule: GET /profile with the header gets 400", async () => {
      await assertHeaderRefused(app(), { method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${alice.token}`, 'Permanent-Token': 'x' } });
    });
  });

  describe('headerRules through forRootAsync', () => {
    it('headerRules: false from the factory turns the interceptor off', async () => {
      const app = await AsyncApp.start(db(), { headerRules: false });
      try {
        const callsBefore = TestAppController.calls;
        const response = await assertHandled(app, { method: 'GET', path: '/public', headers: { 'Permanent-Token': 'x' } });
        assert.deepEqual(response.json, { ok: true });
        assert.equal(TestAppController.calls, callsBefore + 1);
      } finally {
        await app.close();
      }
    });

    it('the default from the factory installs it', async () => {
      const app = await AsyncApp.start(db(), {});
      try {
        await assertHeaderRefused(app, { method: 'GET', path: '/public', headers: { 'Permanent-Token': 'x' } });
      } finally {
        await app.close();
      }
    });
  });

  describe('permanentTokenAuth: false', () => {
    const app = useTestApp(db, { module: { permanentTokenAuth: false } });
    let token: string;
    before(async () => {
      const response = await app().request<{ token: string }>({
        method: 'POST',
        path: '/auth-token',
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.equal(response.status, 200);
      token = response.json!.token;
    });

    it('unguarded app routes run their handlers with the header', async () => {
      const response = await assertHandled(app(), { method: 'GET', path: '/public', headers: { 'Permanent-Token': 'x' } });
      assert.deepEqual(response.json, { ok: true });
    });

    it('guarded routes authenticate with the header', async () => {
      const response = await assertHandled(app(), { method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}`, 'Permanent-Token': 'x' } });
      assert.deepEqual(response.json, { id: 1, username: 'alice', device_id: null });
    });

    it('login with the header answers { token } and creates no device', async () => {
      const before = await rows(app());
      const response = await assertHandled(app(), {
        method: 'POST',
        path: '/auth-token',
        headers: { 'Permanent-Token': 'x' },
        body: { username: 'alice', password: 'alice-password' },
      });
      assert.deepEqual(Object.keys(response.json as object), ['token']);
      assert.deepEqual(await rows(app()), before);
    });
  });
});
