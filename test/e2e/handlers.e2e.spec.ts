import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Global, Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  DefaultJwtPayloadHandler,
  Device,
  DEVICE_DETAILS_HANDLER,
  JWT_PAYLOAD_HANDLER,
  JWT_RESPONSE_PAYLOAD_HANDLER,
  JWT_USER_ID_READER,
  JWT_USERNAME_READER,
  JwtDevicesModule,
  type DeviceDescription,
  type DeviceDetailsHandler,
  type JwtClaims,
  type JwtDevicesUser,
  type JwtPayloadHandler,
  type JwtResponseContext,
  type JwtResponsePayloadHandler,
  type JwtUserIdReader,
  type JwtUsernameReader,
} from '../../lib/index.js';
import { TestApp, TEST_SECRET } from '../fixtures/test-app.js';
import { TestAppController } from '../fixtures/test-app.controller.js';
import { TestUsers } from '../fixtures/test-users.js';
import { forEachServer, useFreshDatabase, type CreatedDatabase } from '../support/databases.js';
import { request, type HttpResponse, type RequestOptions } from '../support/http.js';

type Imports = NonNullable<DynamicModule['imports']>;

function claimsOf(token: string): JwtClaims {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as JwtClaims;
}

/** Re-signs claims with the test secret, to show which claims the readers look at. */
function signHs256(claims: JwtClaims): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
}

function header(request: unknown, name: string): string | undefined {
  const value = (request as { headers: Record<string, string | string[] | undefined> }).headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Adds a `scope` claim, and tries to set `exp`, which the module must not let it do. */
@Injectable()
class ScopedPayloadHandler extends DefaultJwtPayloadHandler {
  override payload(user: JwtDevicesUser, device: Device | null): JwtClaims {
    return { ...super.payload(user, device), scope: 'mobile', exp: 1 };
  }
}

/** Names the device from the app's own `X-Client-Name` / `X-Client-Version` headers. */
@Injectable()
class ClientHeaderDeviceDetails implements DeviceDetailsHandler {
  details(request: unknown): DeviceDescription {
    return { name: header(request, 'x-client-name') ?? 'unnamed client', details: header(request, 'x-client-version') ?? '' };
  }
}

/** A login body in the app's own shape. */
const renamedResponse: JwtResponsePayloadHandler = {
  response({ kind, token, permanentToken, user, device }: JwtResponseContext): object {
    return { kind, access: token, refresh: permanentToken ?? null, device: device ? { id: device.id } : null, user: user.username };
  },
};

/** An app service in an app module: who belongs to which tenant. */
@Injectable()
class TenantService {
  tenantOf(user: JwtDevicesUser): string {
    return user.username === 'alice' ? 'acme' : 'globex';
  }
}

@Module({ providers: [TenantService], exports: [TenantService] })
class TenantModule {}

/** Claims in OpenID Connect names: `sub` and `preferred_username` instead of `user_id` and `username`. */
function oidcPayloadHandler(tenants: TenantService): JwtPayloadHandler {
  return {
    payload(user, device) {
      const claims: JwtClaims = { sub: String(user.id), preferred_username: user.username, tenant: tenants.tenantOf(user) };
      if (device) claims.device_id = String(device.id);
      return claims;
    },
  };
}

const subjectReader: JwtUserIdReader = { userId: (claims) => (typeof claims.sub === 'string' ? Number(claims.sub) : undefined) };

@Injectable()
class PreferredUsernameReader implements JwtUsernameReader {
  username(claims: JwtClaims): unknown {
    return claims.preferred_username;
  }
}

/** An app service in a global module, which handlers given to `forRoot` can inject. */
@Injectable()
class Branding {
  readonly prefix = 'Acme';
}

@Global()
@Module({ providers: [Branding], exports: [Branding] })
class BrandingModule {}

@Injectable()
class BrandedDeviceDetails implements DeviceDetailsHandler {
  constructor(private readonly branding: Branding) {}

  details(request: unknown): DeviceDescription {
    return { name: `${this.branding.prefix} ${header(request, 'x-device-model') ?? 'device'}`, details: 'branded' };
  }
}

/** An app built here, for module setups TestApp does not make (app modules beside the module). */
class HandlersApp {
  private constructor(private readonly app: INestApplication, private readonly url: string) {}

  static async start(database: CreatedDatabase, imports: Imports): Promise<HandlersApp> {
    @Module({
      imports: [TypeOrmModule.forRoot({ ...database.options, autoLoadEntities: true, synchronize: true }), ...imports],
      controllers: [TestAppController],
    })
    class HandlersAppModule {}
    const app = await NestFactory.create(HandlersAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return new HandlersApp(app, `http://127.0.0.1:${port}`);
  }

  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>> {
    return request<T>(this.url, options);
  }

  devices(): Promise<Device[]> {
    return this.app.get<DataSource>(getDataSourceToken()).getRepository(Device).find({ order: { id: 'ASC' } });
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

const ALICE = { username: 'alice', password: 'alice-password' };

forEachServer((database) => {
  const db = useFreshDatabase(database);

  describe('handlers replaced through forRoot providers (useClass, useValue)', () => {
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), {
        providers: [
          { provide: JWT_PAYLOAD_HANDLER, useClass: ScopedPayloadHandler },
          { provide: JWT_RESPONSE_PAYLOAD_HANDLER, useValue: renamedResponse },
          { provide: DEVICE_DETAILS_HANDLER, useClass: ClientHeaderDeviceDetails },
        ],
      });
    });
    after(() => app.close());

    let login: HttpResponse<{ kind: string; access: string; refresh: string; device: { id: number }; user: string }>;
    before(async () => {
      login = await app.request({
        method: 'POST',
        path: '/auth-token',
        headers: { 'X-Client-Name': 'Acme Android', 'X-Client-Version': '1.2.3', 'X-Device-Model': 'Pixel 8' },
        body: ALICE,
      });
    });

    it('the response payload handler (useValue) shapes the login body', () => {
      assert.equal(login.status, 200, login.text);
      assert.deepEqual(Object.keys(login.json!).sort(), ['access', 'device', 'kind', 'refresh', 'user']);
      assert.equal(login.json!.kind, 'login');
      assert.equal(login.json!.user, 'alice');
      // A version 2 permanent token: 74 URL-safe characters (docs/security-model.md).
      assert.match(login.json!.refresh, /^[A-Za-z0-9_-]{74}$/);
      assert.equal(login.headers['cache-control'], 'no-store');
    });

    it('the response payload handler shapes the device refresh body too', async () => {
      const refreshed = await app.request<Record<string, unknown>>({
        method: 'POST',
        path: '/device-refresh-token',
        headers: { 'Permanent-Token': login.json!.refresh },
        body: '',
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(refreshed.json!.kind, 'refresh');
      assert.deepEqual(refreshed.json!.device, { id: login.json!.device.id });
      assert.notEqual(refreshed.json!.refresh, login.json!.refresh);
      assert.equal(claimsOf(refreshed.json!.access as string).scope, 'mobile');
    });

    it('the device details handler (useClass) names the device from the app header, not X-Device-Model', async () => {
      const device = (await app.devices()).find((row) => row.id === login.json!.device.id);
      assert.ok(device);
      assert.equal(device.name, 'Acme Android');
      assert.equal(device.details, '1.2.3');
    });

    it('the payload handler (useClass) adds a claim, keeps the defaults, and cannot set exp', async () => {
      const claims = claimsOf(login.json!.access);
      assert.equal(claims.scope, 'mobile');
      assert.equal(claims.user_id, 1);
      assert.equal(claims.device_id, String(login.json!.device.id));
      assert.equal((claims.exp as number) - (claims.iat as number), 300);
      const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${login.json!.access}` } });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.json, { id: 1, username: 'alice', device_id: login.json!.device.id });
    });
  });

  describe('handlers that inject an app service (forRootAsync imports, useFactory) and read other claim names', () => {
    let app: HandlersApp;
    let users: TestUsers;
    before(async () => {
      users = new TestUsers();
      app = await HandlersApp.start(db(), [
        JwtDevicesModule.forRootAsync({
          imports: [TenantModule],
          useFactory: () => ({ secret: TEST_SECRET, userService: users }),
          providers: [
            { provide: JWT_PAYLOAD_HANDLER, useFactory: oidcPayloadHandler, inject: [TenantService] },
            { provide: JWT_USER_ID_READER, useValue: subjectReader },
            { provide: JWT_USERNAME_READER, useClass: PreferredUsernameReader },
          ],
        }),
      ]);
    });
    after(() => app.close());

    let login: { token: string; device_id: number };
    before(async () => {
      const response = await app.request<{ token: string; device_id: number }>({ method: 'POST', path: '/auth-token', body: ALICE });
      assert.equal(response.status, 200, response.text);
      login = response.json!;
    });

    it('the payload handler (useFactory) puts the app service answer in the token, in its own claim names', () => {
      const claims = claimsOf(login.token);
      assert.equal(claims.sub, '1');
      assert.equal(claims.preferred_username, 'alice');
      assert.equal(claims.tenant, 'acme');
      assert.equal(claims.device_id, String(login.device_id));
      assert.equal('user_id' in claims, false);
      assert.equal('username' in claims, false);
    });

    it('the readers read sub and preferred_username: the token authenticates', async () => {
      const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${login.token}` } });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.json, { id: 1, username: 'alice', device_id: login.device_id });
    });

    it('the default claim names no longer authenticate: user_id/username without sub get 401', async () => {
      const { sub: _sub, preferred_username: _name, ...claims } = claimsOf(login.token);
      const token = signHs256({ ...claims, user_id: 1, username: 'alice' });
      const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(profile.status, 401);
      assert.deepEqual(profile.json, { statusCode: 401, message: 'Invalid or expired access token.', error: 'Unauthorized' });
    });

    it("the username reader is checked: a preferred_username that is not sub's gets 401", async () => {
      const token = signHs256({ ...claimsOf(login.token), preferred_username: 'bob' });
      const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(profile.status, 401);
    });

    it('the control: the same claims re-signed here authenticate', async () => {
      const token = signHs256(claimsOf(login.token));
      const profile = await app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(profile.status, 200, profile.text);
    });
  });

  describe('a forRoot handler (useClass) that injects a service of a global app module', () => {
    let app: HandlersApp;
    before(async () => {
      app = await HandlersApp.start(db(), [
        BrandingModule,
        JwtDevicesModule.forRoot({
          secret: TEST_SECRET,
          userService: new TestUsers(),
          providers: [{ provide: DEVICE_DETAILS_HANDLER, useClass: BrandedDeviceDetails }],
        }),
      ]);
    });
    after(() => app.close());

    it('names the device through the app service', async () => {
      const response = await app.request<{ device_id: number }>({ method: 'POST', path: '/auth-token', headers: { 'X-Device-Model': 'Pixel 8' }, body: ALICE });
      assert.equal(response.status, 200, response.text);
      const device = (await app.devices()).find((row) => row.id === response.json!.device_id);
      assert.deepEqual({ name: device?.name, details: device?.details }, { name: 'Acme Pixel 8', details: 'branded' });
    });
  });
});
