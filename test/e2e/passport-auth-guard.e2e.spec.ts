import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { useTestApp, type AdapterName, type LoginBody, type TestApp } from '../fixtures/test-app.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import type { RequestHeaders } from '../support/http.js';

const ADAPTERS: AdapterName[] = ['express', 'fastify'];
const DAY = 24 * 60 * 60;

/** The same request to a route under `AuthGuard('jwt-devices')` and to its twin under JwtDevicesAuthGuard. */
async function both(app: TestApp, headers: RequestHeaders) {
  const passport = await app.request({ method: 'GET', path: '/app/bare-guard', headers });
  const module = await app.request({ method: 'GET', path: '/app/module-guard', headers });
  return { passport, module };
}

/** Both guards give one status and one body; only the module's guard writes WWW-Authenticate (a strategy never sees the response). */
async function assertSameAnswer(app: TestApp, headers: RequestHeaders, status: number, body: object): Promise<void> {
  const { passport, module } = await both(app, headers);
  assert.equal(passport.status, status, passport.text);
  assert.equal(module.status, status, module.text);
  assert.deepEqual(passport.json, body);
  assert.deepEqual(module.json, body);
  if (status === 401) {
    assert.equal(passport.headers['www-authenticate'], undefined);
    assert.match(String(module.headers['www-authenticate']), /^Bearer realm="api"/);
  }
}

const REFUSED = { statusCode: 401, message: 'Invalid or expired access token.', error: 'Unauthorized' };
const bearer = (token: string): RequestHeaders => ({ Authorization: `Bearer ${token}` });

function resign(token: string, secret: string): string {
  const input = token.slice(0, token.lastIndexOf('.'));
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

forEachDatabase((database) => {
  const db = useFreshDatabase(database);
  for (const adapter of ADAPTERS) {
    describe(`AuthGuard('jwt-devices') answers as JwtDevicesAuthGuard (${adapter})`, () => {
      const app = useTestApp(db, { adapter });
      let alice: LoginBody;
      before(async () => {
        alice = await app().login('alice');
      });

      it('a valid token: 200 with the same user and device on both', async () => {
        await assertSameAnswer(app(), bearer(alice.token), 200, { id: app().users.byName('alice').id, device_id: alice.device_id });
      });

      it("a token valid at the module's clock, a day behind real time, passes both: passport-jwt reads the module clock too", async () => {
        app().clock.advance(-DAY);
        try {
          const earlier = await app().login('alice');
          await assertSameAnswer(app(), bearer(earlier.token), 200, { id: app().users.byName('alice').id, device_id: earlier.device_id });
        } finally {
          app().clock.advance(DAY);
        }
      });

      it('an expired token: the same 401', async () => {
        app().clock.advance(301);
        try {
          await assertSameAnswer(app(), bearer(alice.token), 401, REFUSED);
        } finally {
          app().clock.advance(-301);
        }
      });

      it('forged tokens (another secret, a changed signature, alg none): the same 401', async () => {
        await assertSameAnswer(app(), bearer(resign(alice.token, 'attacker-chosen-secret-of-32-bytes-or-more')), 401, REFUSED);
        await assertSameAnswer(app(), bearer(`${alice.token.slice(0, -2)}${alice.token.endsWith('AA') ? 'BB' : 'AA'}`), 401, REFUSED);
        const [, payload] = alice.token.split('.');
        const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
        await assertSameAnswer(app(), { Authorization: `Bearer ${none}` }, 401, REFUSED);
      });

      it('a token with a jku header, signed with the right secret: the same 401 (the module checks headers after passport-jwt)', async () => {
        const [, payload] = alice.token.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', jku: 'https://attacker.example/jwks.json' })).toString('base64url');
        await assertSameAnswer(app(), bearer(resign(`${header}.${payload}.x`, 'test-secret-that-is-at-least-32-bytes-long')), 401, REFUSED);
      });

      it('a wrong scheme, a scheme with trailing junk, or no token: the same 401', async () => {
        await assertSameAnswer(app(), { Authorization: `Token ${alice.token}` }, 401, REFUSED);
        await assertSameAnswer(app(), { Authorization: `Bearer ${alice.token} junk` }, 401, REFUSED);
        await assertSameAnswer(app(), {}, 401, REFUSED);
      });

      it("a logged-out device's token: the same 401, and the device stays gone", async () => {
        const session = await app().login('bob');
        const logout = await app().request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(session.token), 'Device-Id': String(session.device_id) } });
        assert.equal(logout.status, 204);
        await assertSameAnswer(app(), bearer(session.token), 401, REFUSED);
        assert.ok(!(await app().devices()).some((device) => device.id === session.device_id));
      });

      it('a failing user store: the same 503 on both, not a 500', async () => {
        app().users.failing = true;
        try {
          const { passport, module } = await both(app(), bearer(alice.token));
          assert.equal(passport.status, 503, passport.text);
          assert.equal(module.status, 503, module.text);
          assert.deepEqual(passport.json, module.json);
        } finally {
          app().users.failing = false;
        }
      });
    });
  }
});
