import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { RequestOptions } from '../support/http.js';
import { bearer, useArena, type Arena } from './support/arena.js';
import { assertServerRefusal, MESSAGES } from './support/clean-errors.js';

const ONE_MB = 1024 * 1024;
const DEVICE_NAME_LIMIT = 255;
const DEVICE_DETAILS_LIMIT = 1024;

/** UTF-8 bytes as the latin1 string Node's client sends byte for byte, as real clients send UTF-8. */
const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

interface BodyCase {
  name: string;
  request: Omit<RequestOptions, 'method' | 'path'>;
  status: number;
  message?: unknown;
  oneOf?: unknown[];
}

const json = (text: string) => ({ body: text, contentType: 'application/json' });
const STRING_FIELDS = ['username must be a string', 'password must be a string'];

const LOGIN_BODIES: BodyCase[] = [
  { name: 'a non-JSON body sent as JSON', request: json('{username: alice}'), status: 400, message: MESSAGES.invalidJson },
  { name: 'truncated JSON', request: json('{"username":"alice","password":"alice-pa'), status: 400, message: MESSAGES.invalidJson },
  { name: 'JSON with a trailing comma', request: json('{"username":"alice","password":"alice-password",}'), status: 400, message: MESSAGES.invalidJson },
  { name: 'an empty JSON array', request: json('[]'), status: 400, message: MESSAGES.notAnObject },
  { name: 'the credentials inside an array', request: { body: [{ username: 'alice', password: 'alice-password' }] }, status: 400, message: MESSAGES.notAnObject },
  { name: 'a JSON string', request: json('"alice"'), status: 400, oneOf: [MESSAGES.invalidJson, MESSAGES.notAnObject] },
  { name: 'JSON null', request: json('null'), status: 400, oneOf: [MESSAGES.invalidJson, MESSAGES.notAnObject] },
  { name: 'a JSON number', request: json('42'), status: 400, oneOf: [MESSAGES.invalidJson, MESSAGES.notAnObject] },
  { name: 'query operators as fields ({ "$ne": null })', request: { body: { username: { $ne: null }, password: { $ne: null } } }, status: 400, message: STRING_FIELDS },
  { name: 'query operators as fields ({ "$gt": "" })', request: { body: { username: { $gt: '' }, password: { $gt: '' } } }, status: 400, message: STRING_FIELDS },
  { name: 'arrays as fields', request: { body: { username: ['alice'], password: ['alice-password'] } }, status: 400, message: STRING_FIELDS },
  { name: 'nested objects as fields', request: { body: { username: { username: 'alice' }, password: { password: 'alice-password', toString: 'x' } } }, status: 400, message: STRING_FIELDS },
  { name: 'booleans and numbers as fields', request: { body: { username: true, password: 0 } }, status: 400, message: STRING_FIELDS },
  {
    name: 'query operators in a form body',
    request: { body: 'username[$ne]=x&password[$ne]=x', contentType: 'application/x-www-form-urlencoded' },
    status: 400,
    oneOf: [STRING_FIELDS, ['username is required', 'password is required']],
  },
  { name: 'a NUL byte in the username', request: { body: { username: 'alice\u0000', password: 'alice-password' } }, status: 400, message: ['username must not contain NUL characters'] },
  { name: 'a NUL byte in the password', request: { body: { username: 'alice', password: 'alice-password\u0000' } }, status: 400, message: ['password must not contain NUL characters'] },
  { name: 'a username of 1025 characters', request: { body: { username: 'a'.repeat(1025), password: 'x' } }, status: 400, message: ['username must be at most 1024 characters'] },
  { name: 'an array nested 50000 deep', request: json(`${'['.repeat(50000)}${']'.repeat(50000)}`), status: 400, message: MESSAGES.notAnObject },
  { name: 'an object nested 15000 deep', request: json(`${'{"a":'.repeat(15000)}1${'}'.repeat(15000)}`), status: 400, oneOf: [['username is required', 'password is required']] },
  { name: 'a 1 MB JSON body', request: { body: { username: 'alice', password: 'x'.repeat(ONE_MB) } }, status: 413, message: MESSAGES.tooLarge },
  { name: 'a 1 MB form body', request: { body: `username=alice&password=${'x'.repeat(ONE_MB)}`, contentType: 'application/x-www-form-urlencoded' }, status: 413, message: MESSAGES.tooLarge },
  {
    name: 'valid credentials as text/plain (a cross-site form can send that)',
    request: { body: JSON.stringify({ username: 'alice', password: 'alice-password' }), contentType: 'text/plain' },
    status: 400,
    message: MESSAGES.notAnObject,
  },
];

forEachServer((database) => {
  describe('hostile bodies and headers', () => {
    const arena = useArena(useFreshDatabase(database), { module: { allowRefresh: true } });
    let victim: LoginBody;
    before(async () => {
      victim = await arena().login('alice');
    });

    for (const { name, request, status, message, oneOf } of LOGIN_BODIES) {
      it(`login with ${name}: ${status}, no device created`, async () => {
        await arena().assertRefused({ method: 'POST', path: '/auth-token', ...request }, { status, message, oneOf });
      });
    }

    it('login with __proto__ and constructor.prototype in the body: 400 and Object.prototype is not polluted', async () => {
      const text = '{"username":"alice","password":"wrong","__proto__":{"isActive":false,"polluted":1},"constructor":{"prototype":{"polluted":1}}}';
      await arena().assertRefused({ method: 'POST', path: '/auth-token', ...json(text) }, { status: 400, oneOf: [MESSAGES.badCredentials, MESSAGES.invalidJson] });
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(({} as Record<string, unknown>).isActive, undefined);
    });

    it('a 1 MB body on device refresh is refused before the permanent token is spent', async () => {
      const login = await arena().login('bob');
      await arena().assertRefused(
        { method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': login.permanent_token }, body: { pad: 'x'.repeat(ONE_MB) } },
        { status: 413, message: MESSAGES.tooLarge },
      );
      assert.equal((await arena().refresh(login.permanent_token)).status, 200, 'the token still works');
    });

    for (const path of ['/auth-token/verify', '/auth-token/refresh']) {
      it(`POST ${path} with a 1 MB body: 413`, async () => {
        await arena().assertRefused({ method: 'POST', path, body: { token: victim.token, pad: 'x'.repeat(ONE_MB) } }, { status: 413, message: MESSAGES.tooLarge });
      });

      it(`POST ${path} with a NUL byte in the token: 400`, async () => {
        await arena().assertRefused({ method: 'POST', path, body: { token: `${victim.token}\u0000` } }, { status: 400, message: MESSAGES.invalidAccessToken });
      });

      it(`POST ${path} with the token as an object or an array: 400`, async () => {
        await arena().assertRefused({ method: 'POST', path, body: { token: { token: victim.token } } }, { status: 400, message: ['token must be a string'] });
        await arena().assertRefused({ method: 'POST', path, body: { token: [victim.token] } }, { status: 400, message: ['token must be a string'] });
      });
    }

    const rawCases: Array<[string, (a: Arena, v: LoginBody) => string]> = [
      ['a NUL byte in Authorization on DELETE /devices/:id', (a, v) => `DELETE /devices/${v.device_id} HTTP/1.1\r\nHost: ${a.host}\r\nAuthorization: Bearer ${v.token}\0\r\nContent-Length: 0\r\n\r\n`],
      ['a NUL byte in Permanent-Token on device refresh', (a, v) => `POST /device-refresh-token HTTP/1.1\r\nHost: ${a.host}\r\nPermanent-Token: ${v.permanent_token}\0\r\nContent-Length: 0\r\n\r\n`],
      ['a NUL byte in Device-Id on DELETE /device-logout', (a, v) => `DELETE /device-logout HTTP/1.1\r\nHost: ${a.host}\r\nAuthorization: Bearer ${v.token}\r\nDevice-Id: ${v.device_id}\0\r\nContent-Length: 0\r\n\r\n`],
      ['a NUL byte in X-Device-Model on login', (a) => loginBytes(a, 'X-Device-Model: Pixel\0 8\r\n')],
      ['a NUL byte in User-Agent on login', (a) => loginBytes(a, 'User-Agent: curl\0/8\r\n')],
      ['a NUL byte in a header name on login', (a) => loginBytes(a, 'X-Device\0-Model: Pixel\r\n')],
      ['a bare CR inside Authorization on DELETE /devices/:id', (a, v) => `DELETE /devices/${v.device_id} HTTP/1.1\r\nHost: ${a.host}\r\nAuthorization: Bearer\r${v.token}\r\nContent-Length: 0\r\n\r\n`],
    ];
    for (const [name, bytes] of rawCases) {
      it(`${name}: the server's 400, nothing changed`, async () => {
        await arena().assertRawRefused(bytes(arena(), victim), 400);
      });
    }

    it("a header over Node's 16 KB limit on login: 431, no device created", async () => {
      const before = await arena().snapshot();
      const response = await arena().request({ method: 'POST', path: '/auth-token', headers: { 'X-Device-Model': 'x'.repeat(20 * 1024) }, body: { username: 'alice', password: 'alice-password' } });
      assertServerRefusal(response, 431, arena().loot);
      assert.deepEqual(await arena().snapshot(), before);
    });

    const deviceHeaderCases: Array<{ name: string; headers: Record<string, string>; expected: { name: string; details: string } }> = [
      {
        name: 'a 4-byte Unicode model and User-Agent are kept as sent',
        headers: { 'X-Device-Model': utf8('Pixel 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓'), 'User-Agent': utf8('App/1.0 (🚀; 日本語)') },
        expected: { name: 'Pixel 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓', details: 'App/1.0 (🚀; 日本語)' },
      },
      {
        name: 'a model of 300 emoji is capped to 255 code points, no surrogate split',
        headers: { 'X-Device-Model': utf8('😀'.repeat(300)), 'User-Agent': 'ua' },
        expected: { name: '😀'.repeat(DEVICE_NAME_LIMIT), details: 'ua' },
      },
      {
        name: 'a User-Agent of 3000 4-byte characters names the device, capped to 255 code points',
        headers: { 'User-Agent': utf8('𝔘'.repeat(3000)) },
        expected: { name: '𝔘'.repeat(DEVICE_NAME_LIMIT), details: '' },
      },
      {
        name: 'a User-Agent of 1500 emoji as details is capped to 1024 code points',
        headers: { 'X-Device-Model': 'm', 'User-Agent': utf8('🚀'.repeat(1500)) },
        expected: { name: 'm', details: '🚀'.repeat(DEVICE_DETAILS_LIMIT) },
      },
      {
        name: 'bytes that are not UTF-8 are kept as Latin-1',
        headers: { 'X-Device-Model': '\xff\xfe\xfd model', 'User-Agent': '\xc3\x28 agent' },
        expected: { name: '\xff\xfe\xfd model', details: '\xc3\x28 agent' },
      },
      {
        name: 'markup and a right-to-left override are stored as text and listed as JSON',
        headers: { 'X-Device-Model': utf8('<script>alert(1)</script>\u202Egnp.exe'), 'User-Agent': `'; DROP TABLE jwt_devices_device; --` },
        expected: { name: '<script>alert(1)</script>\u202Egnp.exe', details: `'; DROP TABLE jwt_devices_device; --` },
      },
    ];
    for (const { name, headers, expected } of deviceHeaderCases) {
      it(`login: ${name}, creating exactly one device`, async () => {
        const before = await arena().snapshot();
        const login = await arena().login('alice', headers);
        const after = await arena().snapshot();
        assert.deepEqual(after.retired, before.retired);
        assert.deepEqual(after.devices.slice(0, -1), before.devices, 'only one row was added');
        const row = after.devices.at(-1)!;
        assert.equal(row.id, login.device_id);
        assert.deepEqual({ name: row.name, details: row.details }, expected);
        assert.ok(!/\p{Cs}/u.test(`${String(row.name)}${String(row.details)}`), 'a lone surrogate was stored');
        const listed = await arena().request<Array<{ id: number; name: string; details: string }>>({ method: 'GET', path: '/devices', headers: bearer(login.token) });
        assert.match(String(listed.headers['content-type']), /^application\/json\b/);
        assert.deepEqual(
          listed.json!.filter(({ id }) => id === login.device_id).map(({ name: n, details }) => ({ name: n, details })),
          [expected],
        );
      });
    }
  });
});

function loginBytes(arena: Arena, extraHeader: string): string {
  const body = JSON.stringify({ username: 'alice', password: 'alice-password' });
  return `POST /auth-token HTTP/1.1\r\nHost: ${arena.host}\r\n${extraHeader}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}
