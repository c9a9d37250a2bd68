import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadOptionalPackage } from '../../lib/platform/optional-package.js';
import { JwtDevicesModule, type JwtDevicesUserService } from '../../lib/index.js';

const requireHere = createRequire(import.meta.url);
const userService: JwtDevicesUserService = { validateCredentials: () => null, findById: () => null };

/** The error `load` throws; fails the test when it throws none. */
async function errorOf(load: () => unknown): Promise<unknown> {
  try {
    await load();
  } catch (error: unknown) {
    return error;
  }
  assert.fail('expected an error');
}

describe('loadOptionalPackage', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'optional-package-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('returns what the loader returns when the package is installed', () => {
    const swagger = loadOptionalPackage('@nestjs/swagger', () => requireHere('@nestjs/swagger') as { ApiProperty: unknown });
    assert.equal(typeof swagger?.ApiProperty, 'function');
  });

  it('returns undefined when require() cannot find the package itself', () => {
    const name = '@nestjs/not-installed-anywhere';
    assert.equal(loadOptionalPackage(name, () => requireHere(name)), undefined);
  });

  it('returns undefined when import() cannot find the package itself', async () => {
    const name = '@nestjs/not-installed-anywhere';
    const notFound = await errorOf(() => import(name));
    assert.equal((notFound as { code?: unknown }).code, 'ERR_MODULE_NOT_FOUND');
    assert.equal(
      loadOptionalPackage(name, () => {
        throw notFound;
      }),
      undefined,
    );
  });

  it("returns undefined for a not-found error from another realm, as Jest's module registry throws it", () => {
    const name = '@nestjs/not-installed-anywhere';
    const notFound = runInNewContext(`Object.assign(new Error("Cannot find module '${name}' from 'openapi.js'"), { code: 'MODULE_NOT_FOUND' })`) as unknown;
    assert.equal(notFound instanceof Error, false, 'the error must come from another realm');
    assert.equal(
      loadOptionalPackage(name, () => {
        throw notFound;
      }),
      undefined,
    );
  });

  it('throws when the package is installed but one of its own dependencies is missing', async () => {
    const installed = path.join(folder, 'node_modules', 'installed-package');
    mkdirSync(installed, { recursive: true });
    writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'installed-package', main: 'index.js' }));
    writeFileSync(path.join(installed, 'index.js'), "require('its-missing-dependency');\n");
    const requireThere = createRequire(path.join(folder, 'app.js'));
    const error = await errorOf(() => loadOptionalPackage('installed-package', () => requireThere('installed-package')));
    assert.equal((error as { code?: unknown }).code, 'MODULE_NOT_FOUND');
    assert.match((error as Error).message, /its-missing-dependency/);
  });

  it('throws any other error of the loader unchanged', async () => {
    const broken = new SyntaxError("Unexpected token in '@nestjs/swagger'");
    const error = await errorOf(() =>
      loadOptionalPackage('@nestjs/swagger', () => {
        throw broken;
      }),
    );
    assert.equal(error, broken);
  });
});

describe('the OpenAPI description of routes under a prefix', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  after(() => app?.close());

  it('documents every route under the prefix, with its tag and security', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', autoLoadEntities: true, synchronize: true }),
        JwtDevicesModule.forRoot({ secret: 'a'.repeat(32), userService, routes: { prefix: 'api/v1' } }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());

    const operations = Object.entries(document.paths).flatMap(([route, item]) =>
      Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${route}`, operation })),
    );
    assert.deepEqual(operations.map(({ route }) => route).sort(), [
      'DELETE /api/v1/device-logout',
      'DELETE /api/v1/devices/{id}',
      'GET /api/v1/devices',
      'POST /api/v1/auth-token',
      'POST /api/v1/auth-token/refresh',
      'POST /api/v1/auth-token/verify',
      'POST /api/v1/device-refresh-token',
      'POST /api/v1/devices/logout-others',
    ]);
    for (const { route, operation } of operations) {
      assert.deepEqual(operation.tags, ['jwt-devices'], route);
      const guarded = route.includes('/devices') || route.includes('/device-logout');
      assert.deepEqual(operation.security, guarded ? [{ bearer: [] }] : undefined, route);
    }
  });
});
