import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';
import { assertNestError } from '../support/nest-error.js';
import { TestApp } from '../fixtures/test-app.js';

type Claims = Record<string, unknown>;
// What a JSON parser says when it fails; none of it may reach a client (§6).
const PARSER_INTERNALS = /Unexpected|position \d|SyntaxError|JSON\.parse|is not valid JSON|at line|column/i;

/** The claims of a JWT, read without verifying it. */
function claims(token: string): Claims {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Claims;
}

/** The token with its payload replaced and its original signature kept. */
function withPayload(token: string, changes: Claims): string {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify({ ...claims(token), ...changes })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The token signed with nothing: `alg: none` and an empty signature. */
function unsigned(token: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return `${header}.${token.split('.')[1]}.`;
}

/** A 400 in Nest's shape that does not echo the token it refused. */
function assertBadRequest(response: HttpResponse, token?: string): void {
  assertNestError(response, 400, 'Bad Request');
  if (token) assert.equal(response.text.includes(token), false, 'the error must not echo the token');
}

/** A 400 whose message lists exactly one entry, naming the `token` field. */
function assertTokenFieldError(response: HttpResponse, pattern: RegExp): void {
  assertBadRequest(response);
  const message = (response.json as { message: unknown }).message;
  assert.ok(Array.isArray(message) && message.length === 1, `one message for the token field: ${response.text}`);
  assert.ok((message[0] as string).startsWith('token '), `the message should name token: ${response.text}`);
  assert.match(message[0] as string, pattern);
}

forEachServer((database) => {
  /** Boots one app per suite and gives its tests a login and a request that must leave the devices as they were. */
  function appSuite(options: Parameters<typeof TestApp.start>[1]) {
    const db = useFreshDatabase(database);
    const suite = {} as {
      app: TestApp;
      /** Posts `body` to `path` and asserts no Device row was created, deleted or touched. */
      post(path: string, body: unknown): Promise<HttpResponse<{ token: string }>>;
    };
    before(async () => {
      suite.app = await TestApp.start(db(), options);
    });
    after(() => suite.app.close());
    suite.post = async (path, body) => {
      const before = await suite.app.devices();
      const response = await suite.app.request<{ token: string }>({ method: 'POST', path, body });
      assert.deepEqual(await suite.app.devices(), before, `POST ${path} must not change any device`);
      return response;
    };
    return suite;
  }

  describe('POST /auth-token/verify, and refresh while allowRefresh is off', () => {
    const suite = appSuite({});

    it('answers 200 { token } with Cache-Control: no-store for a valid token, writing nothing', async () => {
      const { token } = await suite.app.login('alice');
      const response = await suite.post('/auth-token/verify', { token });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { token });
      assert.equal(response.headers['cache-control'], 'no-store');
    });

    it('answers /auth-token/verify/ with a trailing slash', async () => {
      const { token } = await suite.app.login('alice');
      const response = await suite.post('/auth-token/verify/', { token });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { token });
    });

    it('answers 400 for a token past its exp', async () => {
      const { token } = await suite.app.login('alice');
      suite.app.clock.advance(301);
      assertBadRequest(await suite.post('/auth-token/verify', { token }), token);
    });

    it('answers 400 for a token whose payload was changed under its signature', async () => {
      const { token } = await suite.app.login('bob');
      const forged = withPayload(token, { user_id: 1, username: 'alice', email: 'alice@example.com' });
      assertBadRequest(await suite.post('/auth-token/verify', { token: forged }), forged);
      const extended = withPayload(token, { exp: (claims(token).exp as number) + 86400 });
      assertBadRequest(await suite.post('/auth-token/verify', { token: extended }), extended);
    });

    it('answers 400 for a token with a changed signature or alg none', async () => {
      const { token } = await suite.app.login('bob');
      const signature = token.split('.')[2];
      const flipped = `${token.slice(0, -signature.length)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      assertBadRequest(await suite.post('/auth-token/verify', { token: flipped }), flipped);
      assertBadRequest(await suite.post('/auth-token/verify', { token: unsigned(token) }));
    });

    for (const garbage of ['garbage', 'a.b.c', '..', 'x'.repeat(10_000), 'eyJhbGciOiJIUzI1NiJ9.e30.\u0000']) {
      it(`answers 400 for the garbage token ${JSON.stringify(garbage.slice(0, 20))}${garbage.length > 20 ? '…' : ''}`, async () => {
        assertBadRequest(await suite.post('/auth-token/verify', { token: garbage }));
      });
    }

    it('answers 400 for the token of a logged-out device', async () => {
      const { token, device_id } = await suite.app.login('alice');
      const logout = await suite.app.request({
        method: 'DELETE',
        path: '/device-logout',
        headers: { Authorization: `Bearer ${token}`, 'Device-Id': String(device_id) },
      });
      assert.equal(logout.status, 204);
      assertBadRequest(await suite.post('/auth-token/verify', { token }), token);
    });

    it('answers 400 naming token when it is missing or blank', async () => {
      assertTokenFieldError(await suite.post('/auth-token/verify', {}), /required|empty/);
      assertTokenFieldError(await suite.post('/auth-token/verify', { token: '' }), /empty/);
    });

    for (const value of [123, null, true, { token: 'x' }, ['a.b.c']]) {
      it(`answers 400 naming token when it is ${JSON.stringify(value)}`, async () => {
        assertTokenFieldError(await suite.post('/auth-token/verify', { token: value }), /string|required|empty/);
      });
    }

    it('answers 400 to a JSON array body', async () => {
      const { token } = await suite.app.login('alice');
      assertBadRequest(await suite.post('/auth-token/verify', [{ token }]), token);
    });

    it('answers 400 to a JSON string body with no parser internals in the message', async () => {
      const { token } = await suite.app.login('alice');
      const before = await suite.app.devices();
      const response = await suite.app.request({ method: 'POST', path: '/auth-token/verify', body: JSON.stringify(token), contentType: 'application/json' });
      assertBadRequest(response, token);
      assert.doesNotMatch(JSON.stringify((response.json as { message: unknown }).message), PARSER_INTERNALS);
      assert.deepEqual(await suite.app.devices(), before);
    });

    it('answers /auth-token/refresh with 400 for a valid token', async () => {
      const { token } = await suite.app.login('alice');
      assertBadRequest(await suite.post('/auth-token/refresh', { token }), token);
      const verify = await suite.post('/auth-token/verify', { token });
      assert.equal(verify.status, 200, 'the token itself is valid');
    });
  });

  describe('POST /auth-token/refresh with allowRefresh: true', () => {
    const suite = appSuite({ module: { allowRefresh: true } });

    it('signs orig_iat into login tokens, equal to their iat', async () => {
      const { token } = await suite.app.login('alice');
      const tokenClaims = claims(token);
      assert.equal(typeof tokenClaims.orig_iat, 'number');
      assert.equal(tokenClaims.orig_iat, tokenClaims.iat);
    });

    it('answers 200 { token } with a later exp, a new jti and the same orig_iat, writing nothing', async () => {
      const { token, device_id } = await suite.app.login('alice');
      suite.app.clock.advance(60);
      const response = await suite.post('/auth-token/refresh', { token });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.deepEqual(Object.keys(response.json!), ['token']);
      const old = claims(token);
      const renewed = claims(response.json!.token);
      assert.equal(renewed.exp, (old.exp as number) + 60);
      assert.equal(renewed.iat, (old.iat as number) + 60);
      assert.notEqual(renewed.jti, old.jti);
      assert.equal(typeof renewed.jti, 'string');
      assert.equal(renewed.orig_iat, old.orig_iat);
      assert.equal(renewed.device_id, String(device_id));
      assert.equal(renewed.user_id, old.user_id);
      assert.equal(renewed.username, old.username);

      const profile = await suite.app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${response.json!.token}` } });
      assert.equal(profile.status, 200, profile.text);
      assert.deepEqual(profile.json, { id: 1, username: 'alice', device_id });
    });

    it('keeps the first orig_iat through a chain of refreshes', async () => {
      const { token } = await suite.app.login('bob');
      suite.app.clock.advance(200);
      const second = (await suite.post('/auth-token/refresh', { token })).json!.token;
      suite.app.clock.advance(200);
      const third = await suite.post('/auth-token/refresh', { token: second });
      assert.equal(third.status, 200, third.text);
      assert.equal(claims(third.json!.token).orig_iat, claims(token).orig_iat);
      assert.equal(claims(third.json!.token).exp, (claims(token).exp as number) + 400);
    });

    it('answers 400 for an expired token', async () => {
      const { token } = await suite.app.login('alice');
      suite.app.clock.advance(301);
      assertBadRequest(await suite.post('/auth-token/refresh', { token }), token);
    });

    it('answers 400 for a tampered token', async () => {
      const { token } = await suite.app.login('bob');
      const forged = withPayload(token, { orig_iat: (claims(token).orig_iat as number) + 86400 });
      assertBadRequest(await suite.post('/auth-token/refresh', { token: forged }), forged);
      assertBadRequest(await suite.post('/auth-token/refresh', { token: unsigned(token) }));
    });

    it('answers 400 for a garbage token', async () => {
      assertBadRequest(await suite.post('/auth-token/refresh', { token: 'garbage' }));
      assertBadRequest(await suite.post('/auth-token/refresh', { token: 'a.b.c' }));
    });

    it('answers 400 naming token when it is missing or not a string', async () => {
      assertTokenFieldError(await suite.post('/auth-token/refresh', {}), /required|empty/);
      assertTokenFieldError(await suite.post('/auth-token/refresh', { token: 42 }), /string/);
      assertTokenFieldError(await suite.post('/auth-token/refresh', { token: null }), /string|required|empty/);
    });

    it('answers 400 for the token of a logged-out device', async () => {
      const { token, device_id } = await suite.app.login('alice');
      await suite.app.request({ method: 'DELETE', path: `/devices/${device_id}`, headers: { Authorization: `Bearer ${token}` } });
      assertBadRequest(await suite.post('/auth-token/refresh', { token }), token);
    });
  });

  describe('POST /auth-token/refresh with a refresh window shorter than the token lifetime', () => {
    const suite = appSuite({
      module: { allowRefresh: true, refreshExpirationDelta: '1h', accessTokenTtl: '1d', permanentTokenExpirationDelta: '30d' },
    });

    it('refreshes within refreshExpirationDelta of orig_iat, and answers 400 once it has passed while the token is unexpired', async () => {
      const { token } = await suite.app.login('alice');
      suite.app.clock.advance(3599);
      const inside = await suite.post('/auth-token/refresh', { token });
      assert.equal(inside.status, 200, inside.text);
      const refreshed = inside.json!.token;

      suite.app.clock.advance(2);
      assertBadRequest(await suite.post('/auth-token/refresh', { token }), token);
      assertBadRequest(await suite.post('/auth-token/refresh', { token: refreshed }), refreshed);
      // Both are still valid access tokens: only the refresh window closed.
      assert.equal((await suite.post('/auth-token/verify', { token })).status, 200);
      assert.equal((await suite.post('/auth-token/verify', { token: refreshed })).status, 200);
    });
  });

  describe('POST /auth-token/refresh with a token issued while allowRefresh was off', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    let token: string;
    before(async () => {
      // Two apps in turn on one database and one secret: the first issues, the second refreshes.
      const issuer = await TestApp.start(db());
      try {
        token = (await issuer.login('alice')).token;
      } finally {
        await issuer.close();
      }
      app = await TestApp.start(db(), { module: { allowRefresh: true } });
    });
    after(() => app?.close());

    it('answers 400 for a valid token without orig_iat, writing nothing', async () => {
      assert.equal('orig_iat' in claims(token), false);
      const before = await app.devices();
      assert.equal(before.length, 1);
      const verify = await app.request({ method: 'POST', path: '/auth-token/verify', body: { token } });
      assert.equal(verify.status, 200, `the token must be valid for this test to mean anything: ${verify.text}`);
      assertBadRequest(await app.request({ method: 'POST', path: '/auth-token/refresh', body: { token } }), token);
      assert.deepEqual(await app.devices(), before);
    });
  });
});
