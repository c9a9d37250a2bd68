import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';

const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.';
const UNAVAILABLE = 'Authentication is temporarily unavailable; try again shortly.';

/** An app's own error shape, applied to every HttpException of the app: the module's errors must be among them. */
@Catch(HttpException)
class ReshapingFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost): void {
    const body = exception.getResponse();
    const text = typeof body === 'object' && body !== null && 'message' in body ? body.message : body;
    const status = exception.getStatus();
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { error: { code: status, text } }, status);
  }
}

function assertAppShape(response: HttpResponse, status: number, text: unknown): void {
  assert.equal(response.status, status, response.text);
  assert.deepEqual(response.json, { error: { code: status, text } });
}

forEachServer((database) => {
  describe("an app-wide exception filter reshapes the module's errors", () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    let alice: LoginBody;
    before(async () => {
      app = await TestApp.start(db(), { setUp: (nest) => nest.useGlobalFilters(new ReshapingFilter(nest.get(HttpAdapterHost))) });
      alice = await app.login('alice');
    });
    after(async () => {
      if (!app.dataSource.isInitialized) await app.dataSource.initialize().catch(() => undefined);
      await app.close();
    });

    it('a login with bad credentials answers 400 in the app shape and creates no device', async () => {
      const before = await app.devices();
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'wrong' } });
      assertAppShape(response, 400, INVALID_CREDENTIALS);
      assert.deepEqual(await app.devices(), before);
    });

    it('a login body that fails validation answers 400 in the app shape, one message per field', async () => {
      const response = await app.request({ method: 'POST', path: '/auth-token', body: {} });
      assert.equal(response.status, 400, response.text);
      const text = (response.json as { error: { code: number; text: unknown } }).error.text;
      assert.ok(Array.isArray(text) && text.length === 2, response.text);
      assertAppShape(response, 400, text);
    });

    it('a device refresh with an unknown permanent token answers 400 in the app shape and changes no device', async () => {
      const before = await app.devices();
      const response = await app.request({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': 'never-issued' }, body: '' });
      assertAppShape(response, 400, 'Invalid permanent token.');
      assert.deepEqual(await app.devices(), before);
    });

    it('a token verify with a forged token answers 400 in the app shape', async () => {
      const response = await app.request({ method: 'POST', path: '/auth-token/verify', body: { token: `${alice.token}x` } });
      assert.equal(response.status, 400, response.text);
      assert.deepEqual(Object.keys((response.json as { error: object }).error).sort(), ['code', 'text']);
    });

    const loginRoutes = [
      { path: '/auth-token', name: 'a login' },
      { path: '/app/login-app-errors', name: 'an app route under JwtDevicesErrorsInterceptor' },
    ];
    for (const { path, name } of loginRoutes) {
      it(`${name} while the user store is down answers 503 in the app shape, with Retry-After`, async () => {
        app.users.failing = true;
        try {
          const response = await app.request({ method: 'POST', path, body: { username: 'alice', password: 'alice-password' } });
          assertAppShape(response, 503, UNAVAILABLE);
          assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
        } finally {
          app.users.failing = false;
        }
      });
    }

    it('an app route that calls SessionsService under JwtDevicesErrorsInterceptor: bad credentials answer 400 in the app shape, and no device is created', async () => {
      const before = await app.devices();
      const response = await app.request({ method: 'POST', path: '/app/login-app-errors', body: { username: 'alice', password: 'wrong' } });
      assertAppShape(response, 400, INVALID_CREDENTIALS);
      assert.deepEqual(await app.devices(), before);
      const login = await app.request<LoginBody>({ method: 'POST', path: '/app/login-app-errors', body: { username: 'alice', password: 'alice-password' } });
      assert.equal(login.status, 200, login.text);
      assert.equal((await app.devices()).length, before.length + 1);
    });

    it('a login while the database is down answers 503 in the app shape, with Retry-After', async () => {
      const devicesBefore = (await app.devices()).length;
      await app.dataSource.destroy();
      const response = await app.request({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } });
      assertAppShape(response, 503, UNAVAILABLE);
      assert.match(String(response.headers['retry-after']), /^[1-9][0-9]*$/);
      await app.dataSource.initialize();
      assert.equal((await app.devices()).length, devicesBefore, 'no device was created');
    });
  });
});
