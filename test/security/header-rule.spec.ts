import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TestAppController } from '../fixtures/test-app.controller.js';
import type { LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { RequestOptions } from '../support/http.js';
import { bearer, useArena } from './support/arena.js';
import { MESSAGES } from './support/clean-errors.js';

const SPELLINGS = ['Permanent-Token', 'permanent-token', 'PERMANENT-TOKEN', 'pErMaNeNt-tOkEn'];
const REFUSED = { status: 400, message: MESSAGES.headerRule };

interface Victim {
  session: LoginBody;
  /** Another device of the victim, which the destructive routes would log out. */
  other: LoginBody;
}

interface RouteCase {
  name: string;
  /** The request as it would succeed with a valid access token, before the header is added. */
  request(victim: Victim): RequestOptions;
}

const ROUTES: RouteCase[] = [
  { name: 'POST /auth-token', request: () => ({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } }) },
  { name: 'DELETE /device-logout', request: (v) => ({ method: 'DELETE', path: '/device-logout', headers: { 'Device-Id': String(v.other.device_id) } }) },
  { name: 'GET /devices', request: () => ({ method: 'GET', path: '/devices' }) },
  { name: 'DELETE /devices/:id', request: (v) => ({ method: 'DELETE', path: `/devices/${v.other.device_id}` }) },
  { name: 'POST /devices/logout-others', request: () => ({ method: 'POST', path: '/devices/logout-others' }) },
  { name: 'POST /auth-token/refresh', request: (v) => ({ method: 'POST', path: '/auth-token/refresh', body: { token: v.session.token } }) },
  { name: 'POST /auth-token/verify', request: (v) => ({ method: 'POST', path: '/auth-token/verify', body: { token: v.session.token } }) },
  { name: 'GET /profile (an app route behind JwtDevicesAuthGuard)', request: () => ({ method: 'GET', path: '/profile' }) },
  { name: 'GET /public (an unguarded app route)', request: () => ({ method: 'GET', path: '/public' }) },
  { name: 'POST /public (an unguarded app route)', request: () => ({ method: 'POST', path: '/public', body: { note: 'hello' } }) },
];

function withHeaders(request: RequestOptions, headers: Record<string, string>): RequestOptions {
  return { ...request, headers: { ...(request.headers as Record<string, string> | undefined), ...headers } };
}

forEachServer((database) => {
  describe('the Permanent-Token header outside device refresh', () => {
    const arena = useArena(useFreshDatabase(database), { module: { allowRefresh: true } });
    let victim: Victim;
    before(async () => {
      victim = { session: await arena().login('alice'), other: await arena().login('alice') };
    });

    for (const route of ROUTES) {
      for (const spelling of SPELLINGS) {
        for (const authenticated of [true, false]) {
          it(`refuses ${route.name} with a "${spelling}" header ${authenticated ? 'and a valid access token' : 'and no access token'}: 400 first, no handler, nothing changed`, async () => {
            const extra: Record<string, string> = { [spelling]: victim.session.permanent_token };
            if (authenticated) Object.assign(extra, bearer(victim.session.token));
            await arena().assertRefused(withHeaders(route.request(victim), extra), REFUSED);
          });
        }
      }
    }

    it('lets the same non-destructive requests through without the header, so each refusal above is the rule at work', async () => {
      for (const route of ROUTES.filter(({ name }) => /^(GET|POST \/auth-token\/|POST \/public)/.test(name))) {
        const response = await arena().request(withHeaders(route.request(victim), bearer(victim.session.token)));
        assert.equal(response.status, 200, `${route.name}: ${response.text}`);
      }
    });

    it('refuses the header even when an empty copy comes first', async () => {
      const headers: Array<[string, string]> = [['Permanent-Token', ''], ['Permanent-Token', victim.session.permanent_token], ['Authorization', `Bearer ${victim.session.token}`]];
      await arena().assertRefused({ method: 'GET', path: '/devices', headers }, REFUSED);
      await arena().assertRefused({ method: 'GET', path: '/public', headers }, REFUSED);
    });

    it('refuses the header on a trailing-slash path and with a query string', async () => {
      for (const path of ['/devices/', '/devices?x=1', '/public/', '/public?Permanent-Token=x']) {
        await arena().assertRefused({ method: 'GET', path, headers: { 'Permanent-Token': victim.session.permanent_token, ...bearer(victim.session.token) } }, REFUSED);
      }
    });

    for (const spelling of SPELLINGS) {
      it(`accepts a "${spelling}" header on device refresh, the one route it is for`, async () => {
        const login = await arena().login('bob');
        const response = await arena().request({ method: 'POST', path: '/device-refresh-token', headers: { [spelling]: login.permanent_token } });
        assert.equal(response.status, 200, response.text);
      });
    }

    it('runs an @AllowPermanentToken() app route with the header', async () => {
      const calls = TestAppController.calls;
      const response = await arena().request({ method: 'GET', path: '/allowed', headers: { 'Permanent-Token': victim.session.permanent_token } });
      assert.equal(response.status, 200, response.text);
      assert.equal(TestAppController.calls, calls + 1);
    });
  });
});
