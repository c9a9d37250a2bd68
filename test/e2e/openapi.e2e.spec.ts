import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { useSampleApp } from '../fixtures/sample-app-in-process.js';
import type { RequestOptions } from '../support/http.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Every route of the module: its answers, and whether it takes an access token. */
const ROUTES: Record<string, { statuses: string[]; guarded: boolean }> = {
  'POST /auth-token': { statuses: ['200', '400', '409', '413', '415', '503'], guarded: false },
  'POST /device-refresh-token': { statuses: ['200', '400', '503'], guarded: false },
  'DELETE /device-logout': { statuses: ['204', '400', '401', '404', '503'], guarded: true },
  'GET /devices': { statuses: ['200', '400', '401', '503'], guarded: true },
  'DELETE /devices/{id}': { statuses: ['204', '400', '401', '404', '503'], guarded: true },
  'POST /devices/logout-others': { statuses: ['200', '400', '401', '503'], guarded: true },
  'POST /auth-token/refresh': { statuses: ['200', '400', '413', '503'], guarded: false },
  'POST /auth-token/verify': { statuses: ['200', '400', '413', '503'], guarded: false },
};

for (const adapter of ['express', 'fastify'] as const) {
  describe(`the sample app's OpenAPI document on ${adapter}`, () => {
    const sample = useSampleApp(adapter);
    let document: OpenAPIObject;

    before(async () => {
      const response = await call<OpenAPIObject>({ method: 'GET', path: '/docs-json' });
      assert.equal(response.status, 200, response.text);
      document = response.json!;
    });

    const call = <T = unknown>(options: RequestOptions) => sample().call<T>(options);

    function operation(route: string): OperationObject {
      const [method, routePath] = route.split(' ');
      const found = document.paths[routePath]?.[method.toLowerCase() as 'get'];
      assert.ok(found, `${route} is missing from the document`);
      return found;
    }

    function resolve(schema: SchemaObject | ReferenceObject | undefined): SchemaObject {
      assert.ok(schema, 'a schema is expected');
      if (!('$ref' in schema)) return schema;
      const name = schema.$ref.replace('#/components/schemas/', '');
      const found = document.components?.schemas?.[name];
      assert.ok(found, `${schema.$ref} is not among the components`);
      return resolve(found);
    }

    function jsonSchema(content: { [type: string]: { schema?: SchemaObject | ReferenceObject } } | undefined): SchemaObject {
      return resolve(content?.['application/json']?.schema);
    }

    function responseSchema(route: string, status: string): SchemaObject {
      const response = operation(route).responses[status];
      assert.ok(response && !('$ref' in response), `${route} documents no ${status}`);
      return jsonSchema(response.content);
    }

    function header(route: string, name: string): ParameterObject {
      const parameters = (operation(route).parameters ?? []) as ParameterObject[];
      const found = parameters.find((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === name.toLowerCase());
      assert.ok(found, `${route} documents no ${name} header`);
      return found;
    }

    it('serves Swagger UI at /docs and the JSON document at /docs-json', async () => {
      const ui = await call({ method: 'GET', path: '/docs' });
      assert.equal(ui.status, 200);
      assert.match(String(ui.headers['content-type']), /text\/html/);
      assert.match(ui.text, /swagger-ui/);
      const asset = await call({ method: 'GET', path: '/docs/swagger-ui-bundle.js' });
      assert.equal(asset.status, 200);
      assert.match(document.openapi, /^3\./);
    });

    it('lists every route of the module with its method and tag', () => {
      for (const route of Object.keys(ROUTES)) assert.deepEqual(operation(route).tags, ['jwt-devices'], route);
    });

    it('documents exactly the answers of each route, errors in Nest\'s { statusCode, message, error } shape', () => {
      for (const [route, { statuses }] of Object.entries(ROUTES)) {
        assert.deepEqual(Object.keys(operation(route).responses).sort(), statuses, route);
        for (const status of statuses.filter((code) => Number(code) >= 400)) {
          const error = responseSchema(route, status);
          assert.deepEqual(error.required, ['statusCode', 'message', 'error'], `${route} ${status}`);
        }
      }
      const unauthorized = operation('GET /devices').responses['401'];
      assert.ok(unauthorized && 'headers' in unauthorized && unauthorized.headers?.['WWW-Authenticate'], '401 documents WWW-Authenticate');
    });

    it('puts the bearer scheme on the guarded routes and no security on the others', () => {
      assert.deepEqual(document.components?.securitySchemes?.bearer, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
      for (const [route, { guarded }] of Object.entries(ROUTES)) {
        assert.deepEqual(operation(route).security, guarded ? [{ bearer: [] }] : undefined, route);
      }
    });

    it('documents the Permanent-Token, Device-Id and X-Device-Model headers', () => {
      assert.equal(header('POST /device-refresh-token', 'Permanent-Token').required, true);
      const deviceId = header('DELETE /device-logout', 'Device-Id');
      assert.equal(deviceId.required, true);
      assert.equal((deviceId.schema as SchemaObject).type, 'integer');
      assert.equal(header('POST /auth-token', 'X-Device-Model').required, false);
      const id = (operation('DELETE /devices/{id}').parameters as ParameterObject[]).find((parameter) => parameter.in === 'path');
      assert.equal(id?.name, 'id');
      assert.equal((id?.schema as SchemaObject).type, 'integer');
    });

    it('documents the request bodies with their required fields, login also form-encoded', () => {
      const login = operation('POST /auth-token').requestBody;
      assert.ok(login && 'content' in login);
      assert.deepEqual(Object.keys(login.content).sort(), ['application/json', 'application/x-www-form-urlencoded']);
      const credentials = jsonSchema(login.content);
      assert.deepEqual(credentials.required, ['username', 'password']);
      assert.match(String((credentials.properties?.username as SchemaObject).description), /usernameField/);
      for (const route of ['POST /auth-token/refresh', 'POST /auth-token/verify']) {
        const body = operation(route).requestBody;
        assert.ok(body && 'content' in body, route);
        assert.deepEqual(jsonSchema(body.content).required, ['token'], route);
      }
      assert.equal(operation('POST /device-refresh-token').requestBody, undefined);
    });

    it('documents the response bodies as the routes answer them', async () => {
      const credentials = { username: 'olivia', password: 'long enough password' };
      assert.equal((await call({ method: 'POST', path: '/users', body: credentials })).status, 201);
      const login = await call<Record<string, unknown>>({ method: 'POST', path: '/auth-token', body: credentials });
      assert.equal(login.status, 200, login.text);
      const loginSchema = responseSchema('POST /auth-token', '200');
      assert.deepEqual(Object.keys(login.json!).sort(), Object.keys(loginSchema.properties!).sort());
      assert.deepEqual(loginSchema.required, ['token', 'permanent_token', 'device_id']);
      const bearer = { Authorization: `Bearer ${String(login.json!.token)}` };

      const refresh = await call<Record<string, unknown>>({
        method: 'POST',
        path: '/device-refresh-token',
        headers: { 'Permanent-Token': String(login.json!.permanent_token) },
      });
      assert.equal(refresh.status, 200, refresh.text);
      const refreshSchema = responseSchema('POST /device-refresh-token', '200');
      assert.deepEqual(Object.keys(refresh.json!).sort(), Object.keys(refreshSchema.properties!).sort());
      assert.deepEqual(refreshSchema.required, ['token']);

      const devices = await call<Array<Record<string, unknown>>>({ method: 'GET', path: '/devices', headers: bearer });
      assert.equal(devices.status, 200, devices.text);
      const list = responseSchema('GET /devices', '200');
      assert.equal(list.type, 'array');
      const device = resolve(list.items);
      // The client addresses are listed with storeClientAddress only, which the sample app leaves off.
      const optional = ['last_address', 'login_address'];
      assert.deepEqual(Object.keys(devices.json![0]).sort(), [...device.required!].sort());
      assert.deepEqual([...device.required!, ...optional].sort(), Object.keys(device.properties!).sort());

      const others = await call<Record<string, unknown>>({ method: 'POST', path: '/devices/logout-others', headers: bearer });
      assert.equal(others.status, 200, others.text);
      assert.deepEqual(Object.keys(others.json!), responseSchema('POST /devices/logout-others', '200').required);

      const verify = await call<Record<string, unknown>>({ method: 'POST', path: '/auth-token/verify', body: { token: login.json!.token } });
      assert.equal(verify.status, 200, verify.text);
      assert.deepEqual(Object.keys(verify.json!), responseSchema('POST /auth-token/verify', '200').required);
    });
  });
}

describe('the module without @nestjs/swagger installed', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'no-swagger-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('boots and logs in, and its routes carry no OpenAPI metadata', async () => {
    const control = await bootInChild(ROOT, path.join(ROOT, 'dist', 'lib'), path.join(folder, 'control.sqlite'));
    assert.equal(control.swaggerResolves, true);
    assert.ok(control.swaggerMetadata.length > 0, 'with the package installed, the routes are described');

    const app = installWithoutSwagger(folder);
    const result = await bootInChild(app, path.join(app, 'dist', 'lib'), path.join(folder, 'app.sqlite'));
    assert.equal(result.swaggerResolves, 'MODULE_NOT_FOUND');
    assert.equal(result.loginStatus, 200);
    assert.deepEqual(result.loginKeys, ['device_id', 'permanent_token', 'token']);
    assert.deepEqual(result.swaggerMetadata, []);
  });
});

/** A copy of the built package in `folder`, next to a node_modules that has every package of this repository but @nestjs/swagger. */
function installWithoutSwagger(folder: string): string {
  const app = path.join(folder, 'app');
  cpSync(path.join(ROOT, 'dist', 'lib'), path.join(app, 'dist', 'lib'), { recursive: true });
  // The package's own `imports` map (#package-require) resolves from the package.json nearest to dist/lib.
  const { imports } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { imports: unknown };
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ type: 'module', imports }));
  const modules = path.join(ROOT, 'node_modules');
  mkdirSync(path.join(app, 'node_modules', '@nestjs'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '@nestjs') symlinkSync(path.join(modules, entry), path.join(app, 'node_modules', entry));
  }
  for (const entry of readdirSync(path.join(modules, '@nestjs'))) {
    if (entry !== 'swagger') symlinkSync(path.join(modules, '@nestjs', entry), path.join(app, 'node_modules', '@nestjs', entry));
  }
  return app;
}

interface ChildResult {
  swaggerResolves: true | string;
  loginStatus: number;
  loginKeys: string[];
  swaggerMetadata: string[];
}

// Runs in its own process, from `cwd`, so packages resolve from that folder's node_modules.
const CHILD = `
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';

const lib = process.env.LIB_DIR;
const load = (file) => import(pathToFileURL(lib + '/' + file).href);
const { JwtDevicesModule } = await load('index.js');
const { AuthTokenController } = await load('http/auth-token.controller.js');
const { LoginDto } = await load('http/login.dto.js');

let swaggerResolves = true;
try {
  createRequire(lib + '/http/openapi.js').resolve('@nestjs/swagger');
} catch (error) {
  swaggerResolves = error.code;
}

const alice = { id: 1, username: 'alice' };
const userService = {
  validateCredentials: (username, password) => (username === 'alice' && password === 'alice-password' ? alice : null),
  findById: (id) => (String(id) === '1' ? alice : null),
};
class AppModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'better-sqlite3', database: process.env.DATABASE_FILE, autoLoadEntities: true, synchronize: true }),
    JwtDevicesModule.forRoot({ secret: 'x'.repeat(32), userService }),
  ],
})(AppModule);
const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const response = await fetch('http://127.0.0.1:' + app.getHttpServer().address().port + '/auth-token', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
});
const body = await response.json();
await app.close();
const swaggerMetadata = [
  ...Reflect.getMetadataKeys(AuthTokenController),
  ...Reflect.getMetadataKeys(AuthTokenController.prototype.login),
  ...Reflect.getMetadataKeys(LoginDto.prototype, 'username'),
].filter((key) => String(key).startsWith('swagger/'));
console.log(JSON.stringify({ swaggerResolves, loginStatus: response.status, loginKeys: Object.keys(body).sort(), swaggerMetadata }));
`;

async function bootInChild(cwd: string, libDir: string, databaseFile: string): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', CHILD], {
    cwd,
    env: { ...process.env, LIB_DIR: libDir, DATABASE_FILE: databaseFile },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}
