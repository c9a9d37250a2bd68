import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { RequestHeaders, RequestOptions } from '../support/http.js';
import { useArena } from './support/arena.js';
import { MESSAGES } from './support/clean-errors.js';

const UNAUTHORIZED = { status: 401, message: MESSAGES.invalidAccessToken };

/** UTF-8 bytes as the latin1 string Node's client sends byte for byte. */
const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

interface HeaderCase {
  name: string;
  /** Headers, and optionally a query string or body that tries to smuggle the token past the header. */
  send(victim: LoginBody): { headers: RequestHeaders; query?: string; body?: unknown };
}

const CASES: HeaderCase[] = [
  { name: 'no Authorization header', send: () => ({ headers: {} }) },
  { name: 'an empty Authorization header', send: () => ({ headers: { Authorization: '' } }) },
  { name: 'the scheme alone', send: () => ({ headers: { Authorization: 'Bearer' } }) },
  { name: 'the scheme and a space', send: () => ({ headers: { Authorization: 'Bearer ' } }) },
  { name: 'the token without a scheme', send: (v) => ({ headers: { Authorization: v.token } }) },
  { name: 'two tokens after one scheme', send: (v) => ({ headers: { Authorization: `Bearer ${v.token} ${v.token}` } }) },
  { name: 'two credentials joined by a comma', send: (v) => ({ headers: { Authorization: `Bearer ${v.token}, Bearer ${v.token}` } }) },
  { name: 'two tokens joined by a comma', send: (v) => ({ headers: { Authorization: `Bearer ${v.token},${v.token}` } }) },
  { name: 'trailing junk after the token', send: (v) => ({ headers: { Authorization: `Bearer ${v.token} junk` } }) },
  { name: 'a semicolon after the token', send: (v) => ({ headers: { Authorization: `Bearer ${v.token};` } }) },
  { name: 'a quoted token', send: (v) => ({ headers: { Authorization: `Bearer "${v.token}"` } }) },
  { name: 'a parameter form (Bearer token=...)', send: (v) => ({ headers: { Authorization: `Bearer token=${v.token}` } }) },
  { name: 'a tab instead of the space', send: (v) => ({ headers: { Authorization: `Bearer\t${v.token}` } }) },
  { name: 'a tab after the space', send: (v) => ({ headers: { Authorization: `Bearer \t${v.token}` } }) },
  { name: 'two spaces after the scheme', send: (v) => ({ headers: { Authorization: `Bearer  ${v.token}` } }) },
  ...['Basic', 'Token', 'JWT', 'Digest', 'Negotiate', 'OAuth', 'Bearerx', 'Bearer-', 'B-earer', 'MAC'].map((scheme) => ({
    name: `the unknown scheme "${scheme}"`,
    send: (v: LoginBody) => ({ headers: { Authorization: `${scheme} ${v.token}` } }),
  })),
  { name: 'Basic credentials of the victim', send: () => ({ headers: { Authorization: `Basic ${Buffer.from('alice:alice-password').toString('base64')}` } }) },
  { name: 'a scheme in non-ASCII look-alike letters', send: (v) => ({ headers: { Authorization: `${utf8('Веаrer')} ${v.token}` } }) },
  { name: 'two Authorization headers with the same valid token', send: (v) => ({ headers: [['Authorization', `Bearer ${v.token}`], ['Authorization', `Bearer ${v.token}`]] }) },
  { name: 'two Authorization headers in different letter case', send: (v) => ({ headers: [['authorization', `Bearer ${v.token}`], ['AUTHORIZATION', `Bearer ${v.token}`]] }) },
  { name: 'an empty Authorization header before a valid one', send: (v) => ({ headers: [['Authorization', ''], ['Authorization', `Bearer ${v.token}`]] }) },
  { name: 'a valid Authorization header before a junk one', send: (v) => ({ headers: [['Authorization', `Bearer ${v.token}`], ['Authorization', 'Bearer junk']] }) },
  { name: 'the permanent token as a bearer token', send: (v) => ({ headers: { Authorization: `Bearer ${v.permanent_token}` } }) },
  { name: 'the token in the query string', send: (v) => ({ headers: {}, query: `?access_token=${v.token}` }) },
  { name: 'the token in the request body', send: (v) => ({ headers: {}, body: { token: v.token, access_token: v.token } }) },
  { name: 'the token in a cookie (no auth cookie is configured)', send: (v) => ({ headers: { Cookie: `access_token=${v.token}; token=${v.token}` } }) },
  { name: 'the token in X-Authorization and Proxy-Authorization', send: (v) => ({ headers: { 'X-Authorization': `Bearer ${v.token}`, 'Proxy-Authorization': `Bearer ${v.token}` } }) },
];

forEachServer((database) => {
  describe('Authorization header parsing', () => {
    const arena = useArena(useFreshDatabase(database));
    let victim: LoginBody;
    before(async () => {
      victim = await arena().login('alice');
      await arena().login('alice'); // what logout-others would delete
    });

    for (const { name, send } of CASES) {
      it(`refuses ${name}: 401 on GET /profile, GET /devices and POST /devices/logout-others, nothing changed`, async () => {
        const { headers, query = '', body } = send(victim);
        for (const [method, path] of [['GET', '/profile'], ['GET', '/devices'], ['POST', '/devices/logout-others']] as const) {
          const request: RequestOptions = { method, path: `${path}${query}`, headers, body: method === 'POST' ? body : undefined };
          await arena().assertRefused(request, UNAUTHORIZED);
        }
      });
    }

    it('answers a request without Authorization with a challenge that names no error, and one with a bad token with error="invalid_token"', async () => {
      const none = await arena().request({ method: 'GET', path: '/devices' });
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="api"');
      const bad = await arena().request({ method: 'GET', path: '/devices', headers: { Authorization: 'Bearer a.b.c' } });
      assert.equal(bad.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"');
    });

    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      it(`accepts the scheme "${scheme}": schemes are case-insensitive (RFC 9110 §11.1)`, async () => {
        const ok = await arena().whoAmI({ Authorization: `${scheme} ${victim.token}` });
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual(ok.json, { id: 1, username: 'alice', device_id: victim.device_id });
      });
    }
  });
});
