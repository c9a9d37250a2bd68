import assert from 'node:assert/strict';
import { constants, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { TestApp, TEST_SECRET, useTestApp, type AdapterName } from '../fixtures/test-app.js';
import { TestAppController } from '../fixtures/test-app.controller.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestHeaders } from '../support/http.js';

const UNAUTHORIZED = { statusCode: 401, message: 'Invalid or expired access token.', error: 'Unauthorized' };
const NO_TOKEN_CHALLENGE = 'Bearer realm="api"';
const INVALID_TOKEN_CHALLENGE = 'Bearer realm="api", error="invalid_token"';
const ADAPTERS: AdapterName[] = ['express', 'fastify'];

type Claims = Record<string, unknown>;
/** A segment as JSON, or `{ raw }` bytes taken as they are. */
type Segment = object | { raw: string };

function encodeSegment(segment: Segment): string {
  const text = 'raw' in segment && typeof segment.raw === 'string' ? segment.raw : JSON.stringify(segment);
  return Buffer.from(text).toString('base64url');
}

/** A compact JWS whose every byte the test chooses; `signer` gets the signing input. */
function forge(header: Segment, payload: Segment, signer: (input: string) => Buffer | string): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = signer(input);
  return `${input}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

const hmac = (secret: string | Buffer, hash = 'sha256') => (input: string) => createHmac(hash, secret).update(input).digest();
const rsa = (key: string) => (input: string) => sign('sha256', Buffer.from(input), key);
const ecdsa = (key: string, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363') => (input: string) =>
  sign('sha256', Buffer.from(input), { key, dsaEncoding });
const rsaPss = (key: string) => (input: string) =>
  sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });

const HS256 = { alg: 'HS256', typ: 'JWT' };

/** An HS256 token with the test secret: only what the test changes differs from a real one. */
function hsToken(claims: Segment, header: Segment = HS256): string {
  return forge(header, claims, hmac(TEST_SECRET));
}

function decodeSegment(token: string, index: 0 | 1): Claims {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Claims;
}

function nowSeconds(app: TestApp): number {
  return Math.floor(app.clock.now().getTime() / 1000);
}

function pemPair(type: 'rsa' | 'ec', namedCurve = 'prime256v1'): { privateKey: string; publicKey: string } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding });
  return generateKeyPairSync('ec', { namedCurve, publicKeyEncoding, privateKeyEncoding });
}

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

function getProfile(app: TestApp, headers: RequestHeaders): Promise<HttpResponse<Record<string, unknown>>> {
  return app.request<Record<string, unknown>>({ method: 'GET', path: '/profile', headers });
}

/** 401 with the Nest body and the challenge, the handler never ran, and no Device row changed. */
async function assertRefused(app: TestApp, headers: RequestHeaders, challenge = INVALID_TOKEN_CHALLENGE): Promise<void> {
  const rowsBefore = await app.devices();
  const callsBefore = TestAppController.calls;
  const response = await getProfile(app, headers);
  assert.equal(response.status, 401, `expected 401, got ${response.status}: ${response.text}`);
  assert.deepEqual(response.json, UNAUTHORIZED);
  assert.equal(response.headers['www-authenticate'], challenge);
  assert.equal(TestAppController.calls, callsBefore, 'the handler ran');
  assert.deepEqual(await app.devices(), rowsBefore, 'a Device row changed');
}

/** 200 with the caller's `{ id, username, device_id }` and exactly one handler run. */
async function assertProfile(app: TestApp, headers: RequestHeaders, expected: { id: number; username: string; device_id: number | null }) {
  const callsBefore = TestAppController.calls;
  const response = await getProfile(app, headers);
  assert.equal(response.status, 200, `expected 200, got ${response.status}: ${response.text}`);
  assert.deepEqual(response.json, expected);
  assert.equal(TestAppController.calls, callsBefore + 1);
}

forEachDatabase((database) => {
  const db = useFreshDatabase(database);

  for (const adapter of ADAPTERS) {
    describe(`HS256 access tokens on GET /profile (${adapter})`, () => {
      const app = useTestApp(db, { adapter });
      let alice: { token: string; device_id: number; claims: Claims };
      let bobDeviceId: number;
      before(async () => {
        const login = await app().login('alice');
        alice = { token: login.token, device_id: login.device_id, claims: decodeSegment(login.token, 1) };
        bobDeviceId = (await app().login('bob')).device_id;
      });

      it('a valid token answers 200 with the user and the numeric device id', async () => {
        await assertProfile(app(), bearer(alice.token), { id: 1, username: 'alice', device_id: alice.device_id });
      });

      it('a token forged here with the right secret and the login claims authenticates (the forging is sound)', async () => {
        await assertProfile(app(), bearer(hsToken({ ...alice.claims })), { id: 1, username: 'alice', device_id: alice.device_id });
      });

      it('the issued token carries the drf claims, device_id as a string, and an HS256 header', () => {
        assert.deepEqual(decodeSegment(alice.token, 0), HS256);
        const { user_id, username, email, device_id, iat, exp, jti } = alice.claims;
        assert.deepEqual({ user_id, username, email, device_id }, { user_id: 1, username: 'alice', email: 'alice@example.com', device_id: String(alice.device_id) });
        assert.equal(exp, (iat as number) + 300);
        assert.equal(typeof jti, 'string');
      });

      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        it(`alg "${alg}" with an empty signature is refused`, async () => {
          await assertRefused(app(), bearer(forge({ alg, typ: 'JWT' }, alice.claims, () => '')));
        });
      }

      it('alg "none" is refused even when the signature is a valid HMAC of the token', async () => {
        await assertRefused(app(), bearer(forge({ alg: 'none', typ: 'JWT' }, alice.claims, hmac(TEST_SECRET))));
      });

      it('a header without alg is refused even when signed with the right secret', async () => {
        await assertRefused(app(), bearer(forge({ typ: 'JWT' }, alice.claims, hmac(TEST_SECRET))));
      });

      it('an HS384 header over an HS384 signature with the right secret is refused (one pinned algorithm)', async () => {
        await assertRefused(app(), bearer(forge({ alg: 'HS384', typ: 'JWT' }, alice.claims, hmac(TEST_SECRET, 'sha384'))));
      });

      it('an HS256 token signed with another secret is refused', async () => {
        await assertRefused(app(), bearer(forge(HS256, alice.claims, hmac(`${TEST_SECRET}-other`))));
      });

      it('an RS256 token is refused by an HS256 app', async () => {
        const { privateKey } = pemPair('rsa');
        await assertRefused(app(), bearer(forge({ alg: 'RS256', typ: 'JWT' }, alice.claims, rsa(privateKey))));
      });

      for (const name of ['jwk', 'jku', 'x5u', 'x5c']) {
        it(`a "${name}" header is refused even when the token is signed with the right secret`, async () => {
          const value = name === 'jwk' ? { kty: 'oct', k: Buffer.from(TEST_SECRET).toString('base64url') } : name === 'x5c' ? ['MIIB'] : 'https://attacker.example/keys';
          await assertRefused(app(), bearer(hsToken(alice.claims, { ...HS256, [name]: value })));
        });
      }

      it('a token without exp is refused', async () => {
        const { exp: _exp, ...claims } = alice.claims;
        await assertRefused(app(), bearer(hsToken(claims)));
      });

      it('a token whose exp is a string is refused', async () => {
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, exp: String(nowSeconds(app()) + 300) })));
      });

      it('exp is exclusive: one second before it the token works, at it the token is refused', async () => {
        const now = nowSeconds(app());
        await assertProfile(app(), bearer(hsToken({ ...alice.claims, iat: now - 10, exp: now + 1 })), { id: 1, username: 'alice', device_id: alice.device_id });
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, iat: now - 10, exp: now })));
      });

      it('an issued token is refused once the clock passes its exp', async () => {
        const { token } = await app().login('alice');
        const start = app().clock.now();
        try {
          app().clock.advance(299);
          await assertProfile(app(), bearer(token), { id: 1, username: 'alice', device_id: Number(decodeSegment(token, 1).device_id) });
          app().clock.advance(1);
          await assertRefused(app(), bearer(token));
        } finally {
          // Later tests reuse tokens issued at the start.
          app().clock.set(start);
        }
      });

      it('a token with iat in the future is refused', async () => {
        const now = nowSeconds(app());
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, iat: now + 60, exp: now + 300 })));
      });

      it('an issued token is refused while the clock is behind its iat', async () => {
        const { token } = await app().login('alice');
        app().clock.advance(-60);
        try {
          await assertRefused(app(), bearer(token));
        } finally {
          app().clock.advance(60);
        }
        await assertProfile(app(), bearer(token), { id: 1, username: 'alice', device_id: Number(decodeSegment(token, 1).device_id) });
      });

      it('a token with nbf in the future is refused, and one with nbf in the past works', async () => {
        const now = nowSeconds(app());
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, iat: now, exp: now + 300, nbf: now + 60 })));
        await assertProfile(app(), bearer(hsToken({ ...alice.claims, iat: now, exp: now + 300, nbf: now - 1 })), { id: 1, username: 'alice', device_id: alice.device_id });
      });

      it('iss and aud are not checked when the app configures neither', async () => {
        await assertProfile(app(), bearer(hsToken({ ...alice.claims, iss: 'someone', aud: 'something' })), { id: 1, username: 'alice', device_id: alice.device_id });
      });

      it('device_id as a number is refused (the claim is a string, as in drf-jwt-devices)', async () => {
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, device_id: alice.device_id })));
      });

      for (const [label, spell] of [
        ['a leading zero', (id: number) => `0${id}`],
        ['a plus sign', (id: number) => `+${id}`],
        ['a decimal point', (id: number) => `${id}.0`],
        ['an exponent', (id: number) => `${id}e0`],
        ['surrounding spaces', (id: number) => ` ${id} `],
        ['hex', (id: number) => `0x${id.toString(16)}`],
      ] as const) {
        it(`a non-canonical device_id string (${label}) is refused`, async () => {
          await assertRefused(app(), bearer(hsToken({ ...alice.claims, device_id: spell(alice.device_id) })));
        });
      }

      for (const [label, value] of [
        ['negative', () => `-${alice.device_id}`],
        ['zero', () => '0'],
        ['beyond the safe-integer range', () => '9007199254740993'],
        ['huge', () => '9'.repeat(400)],
        ['null', () => null],
        ['an array', () => [String(alice.device_id)]],
        ['an unknown id', () => '987654321'],
      ] as const) {
        it(`a device_id that is ${label} is refused`, async () => {
          await assertRefused(app(), bearer(hsToken({ ...alice.claims, device_id: value() })));
        });
      }

      it('a token without device_id is refused', async () => {
        const { device_id: _deviceId, ...claims } = alice.claims;
        await assertRefused(app(), bearer(hsToken(claims)));
      });

      it("a token naming another user's device is refused", async () => {
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, device_id: String(bobDeviceId) })));
      });

      it('a user_id that does not own the device is refused', async () => {
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, user_id: 2, username: 'bob', email: undefined })));
      });

      it("a username that is not the user_id's is refused", async () => {
        await assertRefused(app(), bearer(hsToken({ ...alice.claims, username: 'bob' })));
      });

      for (const [label, userId] of [
        ['a string of another number', '2'],
        ['a float', 1.5],
        ['an object', { id: 1 }],
        ['missing', undefined],
      ] as const) {
        it(`a user_id that is ${label} is refused`, async () => {
          await assertRefused(app(), bearer(hsToken({ ...alice.claims, user_id: userId })));
        });
      }

      it('the token of a disabled user is refused, and works again once the user is enabled', async () => {
        app().users.disable('alice');
        try {
          await assertRefused(app(), bearer(alice.token));
        } finally {
          app().users.byName('alice').isActive = true;
        }
        await assertProfile(app(), bearer(alice.token), { id: 1, username: 'alice', device_id: alice.device_id });
      });

      it('the token of a deleted user is refused', async () => {
        const carol = app().users.add(`carol-${adapter}`, 'carol-password');
        const { token, device_id } = await app().login(carol.username);
        await assertProfile(app(), bearer(token), { id: carol.id, username: carol.username, device_id });
        app().users.remove(carol.username);
        await assertRefused(app(), bearer(token));
      });

      it("a logged-out device's token is refused at once", async () => {
        const { token, device_id } = await app().login('alice');
        const logout = await app().request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(token), 'Device-Id': String(device_id) } });
        assert.equal(logout.status, 204);
        assert.equal((await app().devices()).some((device) => device.id === device_id), false);
        await assertRefused(app(), bearer(token));
      });

      for (const [label, payload] of [
        ['not JSON', { raw: 'this is not json' }],
        ['a JSON array', { raw: JSON.stringify([1, 'alice']) }],
        ['JSON null', { raw: 'null' }],
        ['a JSON string', { raw: '"alice"' }],
        ['JSON with a trailing comma', { raw: '{"user_id":1,}' }],
      ] as const) {
        it(`a payload that is ${label}, signed with the right secret, is refused`, async () => {
          await assertRefused(app(), bearer(hsToken(payload)));
        });
      }

      it('a header that is not JSON, signed with the right secret, is refused', async () => {
        await assertRefused(app(), bearer(hsToken(alice.claims, { raw: 'HS256' })));
      });

      it('a truncated token is refused', async () => {
        await assertRefused(app(), bearer(alice.token.slice(0, -1)));
        await assertRefused(app(), bearer(alice.token.slice(0, alice.token.lastIndexOf('.'))));
        await assertRefused(app(), bearer(alice.token.slice(0, alice.token.lastIndexOf('.') + 1)));
      });

      it('a token with base64 padding is refused', async () => {
        await assertRefused(app(), bearer(`${alice.token}=`));
        const [header, payload, signature] = alice.token.split('.');
        await assertRefused(app(), bearer(`${header}==.${payload}.${signature}`));
      });

      it('a token with extra segments or dots is refused', async () => {
        await assertRefused(app(), bearer(`${alice.token}.${alice.token.split('.')[2]}`));
        await assertRefused(app(), bearer(`.${alice.token}`));
      });

      for (const bad of ['+', '/', '*', '%', '~']) {
        it(`a token with the non-base64url character "${bad}" is refused`, async () => {
          const [header, payload, signature] = alice.token.split('.');
          await assertRefused(app(), bearer(`${header}.${payload.slice(0, 5)}${bad}${payload.slice(6)}.${signature}`));
        });
      }

      it('a signature with spare bits set (another spelling of the same bytes) is refused', async () => {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alice.token.at(-1)!;
        const respelled = `${alice.token.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
        assert.deepEqual(Buffer.from(respelled.split('.')[2], 'base64url'), Buffer.from(alice.token.split('.')[2], 'base64url'));
        await assertRefused(app(), bearer(respelled));
      });

      it('an 8 KB token signed with the right secret is refused with 401, not a 4xx/5xx of another kind', async () => {
        const token = hsToken({ ...alice.claims, padding: 'x'.repeat(6200) });
        assert.ok(token.length > 8192 && token.length < 9000, `token is ${token.length} characters`);
        await assertRefused(app(), bearer(token));
      });

      describe('the Authorization header', () => {
        it('missing: 401 with a challenge that names no error', async () => {
          await assertRefused(app(), {}, NO_TOKEN_CHALLENGE);
        });

        it('empty: 401', async () => {
          const rowsBefore = await app().devices();
          const callsBefore = TestAppController.calls;
          const response = await getProfile(app(), { Authorization: '' });
          assert.equal(response.status, 401);
          assert.deepEqual(response.json, UNAUTHORIZED);
          assert.match(String(response.headers['www-authenticate']), /^Bearer realm="api"(, error="invalid_token")?$/);
          assert.equal(TestAppController.calls, callsBefore);
          assert.deepEqual(await app().devices(), rowsBefore);
        });

        it('"Bearer" alone: 401', async () => {
          await assertRefused(app(), { Authorization: 'Bearer' });
        });

        it('"Bearer a b": 401', async () => {
          await assertRefused(app(), { Authorization: 'Bearer a b' });
        });

        it('"Bearer <token> junk": 401', async () => {
          await assertRefused(app(), { Authorization: `Bearer ${alice.token} junk` });
        });

        it('a tab instead of the space: 401', async () => {
          await assertRefused(app(), { Authorization: `Bearer\t${alice.token}` });
        });

        it('a comma-joined second credential: 401', async () => {
          await assertRefused(app(), { Authorization: `Bearer ${alice.token}, Bearer ${alice.token}` });
        });

        for (const scheme of ['Basic', 'Token', 'JWT', 'Bearerx', 'Digest']) {
          it(`the unknown scheme "${scheme}": 401`, async () => {
            await assertRefused(app(), { Authorization: `${scheme} ${alice.token}` });
          });
        }

        it('two Authorization headers, each valid: 401', async () => {
          await assertRefused(app(), [
            ['Authorization', `Bearer ${alice.token}`],
            ['Authorization', `Bearer ${alice.token}`],
          ]);
        });

        it('two Authorization headers with different letter case, each valid: 401', async () => {
          await assertRefused(app(), [
            ['authorization', `Bearer ${alice.token}`],
            ['AUTHORIZATION', `Bearer ${alice.token}`],
          ]);
        });

        for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
          it(`the scheme "${scheme}" is accepted (schemes are case-insensitive)`, async () => {
            await assertProfile(app(), { Authorization: `${scheme} ${alice.token}` }, { id: 1, username: 'alice', device_id: alice.device_id });
          });
        }
      });
    });
  }

  describe('issuer and audience, when configured', () => {
    const app = useTestApp(db, { module: { issuer: 'https://auth.example', audience: 'mobile-api' } });
    let alice: { token: string; device_id: number; claims: Claims };
    before(async () => {
      const login = await app().login('alice');
      alice = { token: login.token, device_id: login.device_id, claims: decodeSegment(login.token, 1) };
    });

    it('are signed into issued tokens, which authenticate', async () => {
      assert.equal(alice.claims.iss, 'https://auth.example');
      assert.equal(alice.claims.aud, 'mobile-api');
      await assertProfile(app(), bearer(alice.token), { id: 1, username: 'alice', device_id: alice.device_id });
    });

    it('a wrong iss is refused', async () => {
      await assertRefused(app(), bearer(hsToken({ ...alice.claims, iss: 'https://evil.example' })));
    });

    it('a missing iss is refused', async () => {
      const { iss: _iss, ...claims } = alice.claims;
      await assertRefused(app(), bearer(hsToken(claims)));
    });

    it('a wrong aud is refused', async () => {
      await assertRefused(app(), bearer(hsToken({ ...alice.claims, aud: 'web-api' })));
    });

    it('an aud list without the audience is refused', async () => {
      await assertRefused(app(), bearer(hsToken({ ...alice.claims, aud: ['web-api', 'admin-api'] })));
    });

    it('a missing aud is refused', async () => {
      const { aud: _aud, ...claims } = alice.claims;
      await assertRefused(app(), bearer(hsToken(claims)));
    });
  });

  describe('leeway: 30', () => {
    const app = useTestApp(db, { module: { leeway: 30 } });
    let alice: { device_id: number; claims: Claims };
    before(async () => {
      const login = await app().login('alice');
      alice = { device_id: login.device_id, claims: decodeSegment(login.token, 1) };
    });
    const ok = () => ({ id: 1, username: 'alice', device_id: alice.device_id });

    it('accepts an exp 10 s past', async () => {
      const now = nowSeconds(app());
      await assertProfile(app(), bearer(hsToken({ ...alice.claims, iat: now - 300, exp: now - 10 })), ok());
    });

    it('refuses an exp 30 s past', async () => {
      const now = nowSeconds(app());
      await assertRefused(app(), bearer(hsToken({ ...alice.claims, iat: now - 300, exp: now - 30 })));
    });

    it('accepts an iat and an nbf 10 s ahead', async () => {
      const now = nowSeconds(app());
      await assertProfile(app(), bearer(hsToken({ ...alice.claims, iat: now + 10, nbf: now + 10, exp: now + 300 })), ok());
    });

    it('refuses an iat 31 s ahead and an nbf 31 s ahead', async () => {
      const now = nowSeconds(app());
      await assertRefused(app(), bearer(hsToken({ ...alice.claims, iat: now + 31, exp: now + 300 })));
      await assertRefused(app(), bearer(hsToken({ ...alice.claims, iat: now, nbf: now + 31, exp: now + 300 })));
    });

    it('still refuses a token without exp', async () => {
      const { exp: _exp, ...claims } = alice.claims;
      await assertRefused(app(), bearer(hsToken(claims)));
    });
  });

  describe('RS256', () => {
    const keys = pemPair('rsa');
    const app = useTestApp(db, { module: { algorithm: 'RS256', secret: undefined, ...keys } });
    let alice: { token: string; device_id: number; claims: Claims };
    before(async () => {
      const login = await app().login('alice');
      alice = { token: login.token, device_id: login.device_id, claims: decodeSegment(login.token, 1) };
    });

    it('logs in with an RS256 token that authenticates', async () => {
      assert.equal(decodeSegment(alice.token, 0).alg, 'RS256');
      await assertProfile(app(), bearer(alice.token), { id: 1, username: 'alice', device_id: alice.device_id });
    });

    it('an RS256 token forged here with the private key authenticates (the forging is sound)', async () => {
      await assertProfile(app(), bearer(forge({ alg: 'RS256', typ: 'JWT' }, alice.claims, rsa(keys.privateKey))), { id: 1, username: 'alice', device_id: alice.device_id });
    });

    it('algorithm confusion: HS256 signed with the public key PEM is refused', async () => {
      await assertRefused(app(), bearer(forge(HS256, alice.claims, hmac(keys.publicKey))));
    });

    it('algorithm confusion: an RS256 header over an HMAC with the public key PEM is refused', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'RS256', typ: 'JWT' }, alice.claims, hmac(keys.publicKey))));
    });

    it('an RS256 token signed with another RSA key is refused', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'RS256', typ: 'JWT' }, alice.claims, rsa(pemPair('rsa').privateKey))));
    });

    it('an RS256 token carrying its own jwk is refused', async () => {
      const header = { alg: 'RS256', typ: 'JWT', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } };
      await assertRefused(app(), bearer(forge(header, alice.claims, rsa(keys.privateKey))));
    });

    it('alg none is refused', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'none' }, alice.claims, () => '')));
    });
  });

  describe('ES256', () => {
    const keys = pemPair('ec', 'prime256v1');
    const app = useTestApp(db, { module: { algorithm: 'ES256', secret: undefined, ...keys } });
    let alice: { token: string; device_id: number; claims: Claims };
    before(async () => {
      const login = await app().login('alice');
      alice = { token: login.token, device_id: login.device_id, claims: decodeSegment(login.token, 1) };
    });

    it('logs in with an ES256 token (64-byte JOSE signature) that authenticates', async () => {
      assert.equal(decodeSegment(alice.token, 0).alg, 'ES256');
      assert.equal(Buffer.from(alice.token.split('.')[2], 'base64url').length, 64);
      await assertProfile(app(), bearer(alice.token), { id: 1, username: 'alice', device_id: alice.device_id });
    });

    it('a DER-encoded signature by the right key is refused (JOSE wants r||s)', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'ES256', typ: 'JWT' }, alice.claims, ecdsa(keys.privateKey, 'der'))));
    });

    it('an ES256 token signed with another P-256 key is refused', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'ES256', typ: 'JWT' }, alice.claims, ecdsa(pemPair('ec', 'prime256v1').privateKey))));
    });

    it('HS256 signed with the public key PEM is refused', async () => {
      await assertRefused(app(), bearer(forge(HS256, alice.claims, hmac(keys.publicKey))));
    });
  });

  describe('PS256', () => {
    const keys = pemPair('rsa');
    const app = useTestApp(db, { module: { algorithm: 'PS256', secret: undefined, ...keys } });
    let alice: { token: string; device_id: number; claims: Claims };
    before(async () => {
      const login = await app().login('alice');
      alice = { token: login.token, device_id: login.device_id, claims: decodeSegment(login.token, 1) };
    });

    it('logs in with a PS256 token that authenticates', async () => {
      assert.equal(decodeSegment(alice.token, 0).alg, 'PS256');
      await assertProfile(app(), bearer(alice.token), { id: 1, username: 'alice', device_id: alice.device_id });
    });

    it('a PS256 token signed with another RSA key is refused', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'PS256', typ: 'JWT' }, alice.claims, rsaPss(pemPair('rsa').privateKey))));
    });

    it('an RS256 token signed with the right key is refused (not the pinned algorithm)', async () => {
      await assertRefused(app(), bearer(forge({ alg: 'RS256', typ: 'JWT' }, alice.claims, rsa(keys.privateKey))));
    });

    it('a token whose payload was changed after signing is refused', async () => {
      const [header, , signature] = alice.token.split('.');
      const payload = Buffer.from(JSON.stringify({ ...alice.claims, user_id: 2, username: 'bob' })).toString('base64url');
      await assertRefused(app(), bearer(`${header}.${payload}.${signature}`));
    });
  });

  for (const adapter of ADAPTERS) {
    describe(`authHeaderPrefixes: ['Bearer', 'JWT'] (${adapter})`, () => {
      const app = useTestApp(db, { adapter, module: { authHeaderPrefixes: ['Bearer', 'JWT'] } });
      let alice: { token: string; device_id: number };
      before(async () => {
        alice = await app().login('alice');
      });

      for (const scheme of ['JWT', 'jwt', 'Bearer']) {
        it(`accepts "${scheme} <token>"`, async () => {
          await assertProfile(app(), { Authorization: `${scheme} ${alice.token}` }, { id: 1, username: 'alice', device_id: alice.device_id });
        });
      }

      it('still refuses an unlisted scheme, with the first prefix in the challenge', async () => {
        await assertRefused(app(), { Authorization: `Token ${alice.token}` });
      });
    });

    describe(`authCookie: 'access_token' (${adapter})`, () => {
      const app = useTestApp(db, { adapter, module: { authCookie: 'access_token' } });
      let login: HttpResponse<{ token: string; device_id: number }>;
      before(async () => {
        login = await app().request({ method: 'POST', path: '/auth-token', body: { username: 'alice', password: 'alice-password' } });
      });

      it('login sets the access token as an HttpOnly cookie', () => {
        assert.equal(login.status, 200);
        const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
        assert.equal(cookies.length, 1);
        const [pair, ...attributes] = cookies[0].split(';').map((part) => part.trim());
        assert.equal(pair, `access_token=${login.json!.token}`);
        assert.ok(attributes.some((attribute) => attribute.toLowerCase() === 'httponly'), cookies[0]);
        assert.ok(attributes.some((attribute) => attribute.toLowerCase() === 'path=/'), cookies[0]);
      });

      it('the cookie authenticates when no Authorization header is sent', async () => {
        await assertProfile(app(), { Cookie: `theme=dark; access_token=${login.json!.token}` }, { id: 1, username: 'alice', device_id: login.json!.device_id });
      });

      it('a bad cookie is refused with 401 and an invalid_token challenge', async () => {
        await assertRefused(app(), { Cookie: `access_token=${login.json!.token.slice(0, -2)}` });
      });

      it('an Authorization header wins over the cookie: a bad header with a good cookie is refused', async () => {
        await assertRefused(app(), { Authorization: 'Bearer x.y.z', Cookie: `access_token=${login.json!.token}` });
      });

      it('without the cookie or a header: 401 naming no error', async () => {
        await assertRefused(app(), { Cookie: 'theme=dark' }, NO_TOKEN_CHALLENGE);
      });
    });
  }
});
