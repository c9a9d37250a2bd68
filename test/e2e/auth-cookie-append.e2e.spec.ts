import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { useTestApp } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';

const COOKIE = 'access';
const APP_COOKIE = 'app_locale=fr; Path=/';

interface CookieResponse {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/** An app's interceptor that sets a cookie of its own before any handler runs. */
@Injectable()
class AppCookieInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<CookieResponse>();
    // Express: the Node response; Fastify: the reply.
    if (typeof response.setHeader === 'function') response.setHeader('Set-Cookie', APP_COOKIE);
    else response.header?.('Set-Cookie', APP_COOKIE);
    return next.handle();
  }
}

function cookiesOf(header: string | string[] | undefined): string[] {
  return header === undefined ? [] : [header].flat();
}

forEachServer((database) => {
  describe("authCookie: the access-token cookie joins the app's own Set-Cookie", () => {
    const app = useTestApp(useFreshDatabase(database), {
      module: { authCookie: COOKIE },
      appProviders: [{ provide: APP_INTERCEPTOR, useClass: AppCookieInterceptor }],
    });

    it("a login keeps the app's cookie and adds the access token's, and creates one device", async () => {
      const response = await app().request<{ token: string }>({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } });
      assert.equal(response.status, 200, response.text);
      const cookies = cookiesOf(response.headers['set-cookie']);
      assert.equal(cookies.length, 2, `both cookies are expected: ${JSON.stringify(cookies)}`);
      assert.ok(cookies.includes(APP_COOKIE), JSON.stringify(cookies));
      assert.ok(cookies.some((cookie) => cookie.startsWith(`${COOKIE}=${response.json!.token};`)), JSON.stringify(cookies));
      assert.equal((await app().devices()).length, 1);
    });
  });
});
