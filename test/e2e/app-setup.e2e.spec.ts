import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VersioningType } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import { useTestApp, type LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';

const ORIGIN = 'https://app.example.com';
/** The CORS options docs/app-integration.md shows. */
const CORS: CorsOptions = {
  origin: [ORIGIN],
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization', 'Permanent-Token', 'Device-Id', 'X-Device-Model', 'X-Requested-With'],
  exposedHeaders: ['Retry-After', 'WWW-Authenticate'],
  credentials: true,
  maxAge: 600,
};
const LOGIN = { username: 'alice', password: 'alice-password' };

forEachServer((database) => {
  describe("a global prefix composes with routes.prefix: /<global>/<routes.prefix>/auth-token", () => {
    const app = useTestApp(useFreshDatabase(database), { routes: { prefix: 'auth' }, setUp: (nest) => nest.setGlobalPrefix('api') });

    it('login, device refresh and the device list answer under /api/auth, and not without the global prefix', async () => {
      const login = await app().request<LoginBody>({ method: 'POST', path: '/api/auth/auth-token', body: LOGIN });
      assert.equal(login.status, 200, login.text);
      const refresh = await app().request({ method: 'POST', path: '/api/auth/device-refresh-token', headers: { 'Permanent-Token': login.json!.permanent_token } });
      assert.equal(refresh.status, 200, refresh.text);
      const listed = await app().request<unknown[]>({ method: 'GET', path: '/api/auth/devices', headers: { Authorization: `Bearer ${login.json!.token}` } });
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.json!.length, 1);
      assert.equal((await app().request({ method: 'POST', path: '/auth/auth-token', body: LOGIN })).status, 404);
      assert.equal((await app().devices()).length, 1);
    });
  });

  describe('URI versioning with a defaultVersion puts the version after the global prefix', () => {
    const app = useTestApp(useFreshDatabase(database), {
      routes: { prefix: 'auth' },
      setUp: (nest) => nest.setGlobalPrefix('api').enableVersioning({ type: VersioningType.URI, defaultVersion: '1' }),
    });

    it('login answers at /api/v1/auth/auth-token and not at /api/auth/auth-token', async () => {
      const login = await app().request<LoginBody>({ method: 'POST', path: '/api/v1/auth/auth-token', body: LOGIN });
      assert.equal(login.status, 200, login.text);
      const listed = await app().request<unknown[]>({ method: 'GET', path: '/api/v1/auth/devices', headers: { Authorization: `Bearer ${login.json!.token}` } });
      assert.equal(listed.status, 200, listed.text);
      assert.equal((await app().request({ method: 'POST', path: '/api/auth/auth-token', body: LOGIN })).status, 404);
      assert.equal((await app().devices()).length, 1);
    });
  });

  describe('URI versioning without a defaultVersion leaves the module routes unversioned', () => {
    const app = useTestApp(useFreshDatabase(database), { setUp: (nest) => nest.enableVersioning({ type: VersioningType.URI }) });

    it('login answers at /auth-token', async () => {
      const login = await app().request<LoginBody>({ method: 'POST', path: '/auth-token', body: LOGIN });
      assert.equal(login.status, 200, login.text);
      assert.equal((await app().request({ method: 'POST', path: '/v1/auth-token', body: LOGIN })).status, 404);
    });
  });

  describe('CORS: the documented enableCors options let a browser app send the module headers', () => {
    const app = useTestApp(useFreshDatabase(database), { module: { authCookie: 'access' }, setUp: (nest) => nest.enableCors(CORS) });

    it('a preflight for DELETE /device-logout with every module header is allowed, with credentials', async () => {
      const response = await app().request({
        method: 'OPTIONS',
        path: '/device-logout',
        headers: {
          Origin: ORIGIN,
          'Access-Control-Request-Method': 'DELETE',
          'Access-Control-Request-Headers': 'authorization,device-id,x-requested-with',
        },
      });
      assert.equal(response.status, 204, response.text);
      assert.equal(response.headers['access-control-allow-origin'], ORIGIN);
      assert.equal(response.headers['access-control-allow-credentials'], 'true');
      assert.match(String(response.headers['access-control-allow-methods']), /DELETE/);
      const allowed = String(response.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/);
      for (const header of ['content-type', 'authorization', 'permanent-token', 'device-id', 'x-device-model', 'x-requested-with']) {
        assert.ok(allowed.includes(header), `${header} missing from ${allowed.join()}`);
      }
    });

    it('a login from the allowed origin gets the CORS headers and the cookie; another origin gets no allow-origin', async () => {
      const login = await app().request<LoginBody>({ method: 'POST', path: '/auth-token', headers: { Origin: ORIGIN }, body: LOGIN });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.headers['access-control-allow-origin'], ORIGIN);
      assert.equal(login.headers['access-control-allow-credentials'], 'true');
      assert.match(String(login.headers['access-control-expose-headers']), /Retry-After/);
      assert.match(String(login.headers['set-cookie']), /^access=/);
      const foreign = await app().request({ method: 'POST', path: '/auth-token', headers: { Origin: 'https://evil.example' }, body: LOGIN });
      assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    });
  });
});
