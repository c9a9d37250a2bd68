import assert from 'node:assert/strict';
import { constants, createHmac, createSecretKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { accessTokenJwtService } from '../../lib/crypto/access-token-jwt.js';
import { DefaultJwtPayloadHandler } from '../../lib/handlers/jwt-payload.handler.js';
import { JWT_ALGORITHMS, type JwtAlgorithm } from '../../lib/options/module-options.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { TokensService } from '../../lib/tokens.service.js';
import { FakeClock } from '../fixtures/fake-clock.js';

/** Access tokens signed and verified through @nestjs/jwt (jsonwebtoken), with the module's checks around it. */

interface KeyPair {
  signing: KeyObject;
  verification: KeyObject;
}

const SECRET = Buffer.alloc(64, 0x5a);
const hmacKeys = (): KeyPair => {
  const key = createSecretKey(SECRET);
  return { signing: key, verification: key };
};
const asymmetric = ({ privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject }): KeyPair => ({ signing: privateKey, verification: publicKey });
const rsa = asymmetric(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const KEYS: Record<JwtAlgorithm, KeyPair> = {
  HS256: hmacKeys(),
  HS384: hmacKeys(),
  HS512: hmacKeys(),
  RS256: rsa,
  RS384: rsa,
  RS512: rsa,
  PS256: rsa,
  PS384: rsa,
  PS512: rsa,
  ES256: asymmetric(generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
  ES384: asymmetric(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })),
  ES512: asymmetric(generateKeyPairSync('ec', { namedCurve: 'secp521r1' })),
};
const NOW = 1_800_000_000;
const PAYLOAD = { user_id: 1, username: 'alice', device_id: '7', iat: NOW, exp: NOW + 300, note: 'ünïcødé ✓' };
const USER = { id: 1, username: 'alice' };

function pem(key: KeyObject): string {
  return key.type === 'private' ? (key.export({ type: 'pkcs8', format: 'pem' }) as string) : (key.export({ type: 'spki', format: 'pem' }) as string);
}

/** A TokensService as the module builds it, for `algorithm`, at the clock NOW. */
function tokensFor(algorithm: JwtAlgorithm): TokensService {
  const { signing, verification } = KEYS[algorithm];
  const keyOptions = algorithm.startsWith('HS') ? { secret: SECRET } : { secret: undefined, privateKey: pem(signing), publicKey: pem(verification) };
  const options = resolveOptions({ algorithm, ...keyOptions, userService: { validateCredentials: () => null, findById: () => null } });
  return new TokensService(options, accessTokenJwtService(options, options), new FakeClock(new Date(NOW * 1000)), new DefaultJwtPayloadHandler());
}

const SERVICES = Object.fromEntries(JWT_ALGORITHMS.map((algorithm) => [algorithm, tokensFor(algorithm)])) as Record<JwtAlgorithm, TokensService>;

/** Whether the module accepts the token; a refusal is an InvalidAccessTokenError, never another error. */
function accepted(token: string, algorithm: JwtAlgorithm): boolean {
  try {
    SERVICES[algorithm].verifyAccessToken(token);
    return true;
  } catch (error) {
    assert.equal((error as Error).name, 'InvalidAccessTokenError', String(error));
    return false;
  }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };

/** The signature over `input` that jsonwebtoken would make, so a test can sign inputs the module never builds. */
function signInput(input: string, algorithm: JwtAlgorithm, key: KeyObject): string {
  const hash = `sha${algorithm.slice(2)}`;
  if (algorithm.startsWith('HS')) return createHmac(hash, key).update(input).digest('base64url');
  if (algorithm.startsWith('RS')) return sign(hash, Buffer.from(input), key).toString('base64url');
  if (algorithm.startsWith('PS')) return sign(hash, Buffer.from(input), { key, ...PSS }).toString('base64url');
  return sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** A token over `payload` with the right key for `algorithm`, built here byte by byte. */
function signed(payload: object, algorithm: JwtAlgorithm, header: object = { alg: algorithm, typ: 'JWT' }): string {
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${signInput(input, algorithm, KEYS[algorithm].signing)}`;
}

/** Replaces the character at `index` with another base64url character that changes its top bits. */
function flipAt(segment: string, index: number): string {
  const replacement = BASE64URL_ALPHABET[(BASE64URL_ALPHABET.indexOf(segment[index]) + 16) % 64];
  return `${segment.slice(0, index)}${replacement}${segment.slice(index + 1)}`;
}

/** Another spelling of the same bytes: the final character with a spare low bit toggled. */
function respell(segment: string): string {
  const last = segment.at(-1)!;
  return `${segment.slice(0, -1)}${BASE64URL_ALPHABET[BASE64URL_ALPHABET.indexOf(last) ^ 1]}`;
}

describe('access tokens through @nestjs/jwt', () => {
  for (const algorithm of JWT_ALGORITHMS) {
    describe(algorithm, () => {
      const token = signed(PAYLOAD, algorithm);
      const [header, payload, signature] = token.split('.');

      it('the module signs with JwtService under the pinned algorithm, and verifies its own token', async () => {
        const issued = await SERVICES[algorithm].issueAccessToken(USER, null);
        assert.deepEqual(JSON.parse(Buffer.from(issued.split('.')[0], 'base64url').toString()), { alg: algorithm, typ: 'JWT' });
        const claims = SERVICES[algorithm].verifyAccessToken(issued);
        assert.equal(claims.user_id, 1);
        assert.equal(claims.iat, NOW, 'iat comes from the module clock, not Date.now()');
        assert.equal(claims.exp, NOW + 300);
      });

      it('a token built here with the right key verifies (so the refusals below are about what they change)', () => {
        assert.equal(accepted(token, algorithm), true);
      });

      it('a changed signature is refused', () => {
        assert.equal(accepted(`${header}.${payload}.${flipAt(signature, Math.floor(signature.length / 2))}`, algorithm), false);
        assert.equal(accepted(`${header}.${payload}.${flipAt(signature, 0)}`, algorithm), false);
      });

      it('a changed header or payload is refused', () => {
        assert.equal(accepted(`${encode({ alg: algorithm, typ: 'JWT', kid: 'x' })}.${payload}.${signature}`, algorithm), false);
        assert.equal(accepted(`${header}.${encode({ ...PAYLOAD, user_id: 2 })}.${signature}`, algorithm), false);
      });

      it('an empty, missing or padded signature is refused', () => {
        for (const candidate of [`${header}.${payload}.`, `${header}.${payload}`, `${token}=`, `${token}==`]) {
          assert.equal(accepted(candidate, algorithm), false, candidate.slice(-3));
        }
      });

      it('the same signature spelled differently (a spare bit set) is refused', () => {
        const other = respell(signature);
        if (signature.length % 4 === 0) return; // no spare bits to set
        assert.deepEqual(Buffer.from(other, 'base64url'), Buffer.from(signature, 'base64url'));
        assert.equal(accepted(`${header}.${payload}.${other}`, algorithm), false);
      });

      it('a signature with a character outside base64url (+, /, =, space) is refused', () => {
        const middle = Math.floor(signature.length / 2);
        for (const bad of ['+', '/', '=', ' ']) {
          assert.equal(accepted(`${header}.${payload}.${signature.slice(0, middle)}${bad}${signature.slice(middle + 1)}`, algorithm), false, bad);
        }
      });

      it('alg none, with or without a signature, is refused', () => {
        const input = `${encode({ alg: 'none', typ: 'JWT' })}.${payload}`;
        assert.equal(accepted(`${input}.`, algorithm), false);
        assert.equal(accepted(`${input}.${signInput(input, algorithm, KEYS[algorithm].signing)}`, algorithm), false);
      });
    });
  }

  it('a token is refused under another algorithm of its family, though the key fits', () => {
    assert.equal(accepted(signed(PAYLOAD, 'HS256'), 'HS384'), false);
    assert.equal(accepted(signed(PAYLOAD, 'RS256'), 'RS384'), false);
    assert.equal(accepted(signed(PAYLOAD, 'RS256'), 'PS256'), false);
    assert.equal(accepted(signed(PAYLOAD, 'PS256'), 'RS256'), false);
  });

  it('an RS256 header over a PSS signature by the right key is refused', () => {
    const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    assert.equal(accepted(`${input}.${signInput(input, 'PS256', rsa.signing)}`, 'RS256'), false);
  });

  it('a header whose alg differs from the pinned one is refused, though the signature is right for the pinned one', () => {
    for (const alg of ['HS512', 'none', 'hs256', undefined]) {
      assert.equal(accepted(signed(PAYLOAD, 'HS256', { alg, typ: 'JWT' }), 'HS256'), false, String(alg));
    }
  });

  it('an HMAC keyed with the RSA public key PEM does not pass as RS256 (algorithm confusion)', () => {
    const pemKey = Buffer.from(pem(rsa.verification));
    const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    assert.equal(accepted(`${input}.${createHmac('sha256', pemKey).update(input).digest('base64url')}`, 'RS256'), false);
    const rsHeaded = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    assert.equal(accepted(`${rsHeaded}.${createHmac('sha256', pemKey).update(rsHeaded).digest('base64url')}`, 'RS256'), false);
  });

  it('an ES256 signature in DER encoding, though made by the right key, is refused', () => {
    const input = `${encode({ alg: 'ES256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    const der = sign('sha256', Buffer.from(input), { key: KEYS.ES256.signing, dsaEncoding: 'der' }).toString('base64url');
    assert.equal(accepted(`${input}.${der}`, 'ES256'), false);
  });

  it('an ES256 signature one byte short or long is refused', () => {
    const [header, payload, signature] = signed(PAYLOAD, 'ES256').split('.');
    const bytes = Buffer.from(signature, 'base64url');
    assert.equal(accepted(`${header}.${payload}.${bytes.subarray(1).toString('base64url')}`, 'ES256'), false);
    assert.equal(accepted(`${header}.${payload}.${Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64url')}`, 'ES256'), false);
  });

  it('an HMAC signature cut short by one byte, or to half its bytes, is refused', () => {
    const [header, payload, signature] = signed(PAYLOAD, 'HS256').split('.');
    const bytes = Buffer.from(signature, 'base64url');
    for (const kept of [bytes.length - 1, bytes.length / 2]) {
      assert.equal(accepted(`${header}.${payload}.${bytes.subarray(0, kept).toString('base64url')}`, 'HS256'), false, String(kept));
    }
  });

  describe('non-canonical base64url in the signed part', () => {
    it('a payload with spare bits set is refused, though the signature covers exactly those characters', () => {
      let payload = encode(PAYLOAD);
      for (let pad = 0; payload.length % 4 === 0; pad++) payload = encode({ ...PAYLOAD, pad: 'x'.repeat(pad + 1) });
      const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${respell(payload)}`;
      assert.equal(accepted(`${input}.${signInput(input, 'HS256', KEYS.HS256.signing)}`, 'HS256'), false);
    });

    it('a payload in standard base64 with + or / is refused, though signed', () => {
      const payload = Buffer.from(JSON.stringify({ ...PAYLOAD, note: '>>>???' })).toString('base64').replace(/=+$/, '');
      assert.match(payload, /[+/]/);
      const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${payload}`;
      assert.equal(accepted(`${input}.${signInput(input, 'HS256', KEYS.HS256.signing)}`, 'HS256'), false);
    });
  });

  describe('structure', () => {
    const token = signed(PAYLOAD, 'HS256');
    const [header, payload, signature] = token.split('.');

    for (const [label, candidate] of [
      ['empty', ''],
      ['one segment', header],
      ['four segments', `${token}.${signature}`],
      ['an empty header', `.${payload}.${signature}`],
      ['an empty payload', `${header}..${signature}`],
      ['a leading dot', `.${token}`],
      ['whitespace around', ` ${token} `],
      ['a newline inside', `${header}.\n${payload}.${signature}`],
    ] as const) {
      it(`a token with ${label} is refused`, () => {
        assert.equal(accepted(candidate, 'HS256'), false);
      });
    }

    for (const [label, rawHeader, rawPayload] of [
      ['a header that is not JSON', 'HS256', JSON.stringify(PAYLOAD)],
      ['a payload that is not JSON', JSON.stringify({ alg: 'HS256' }), 'user_id=1'],
      ['a payload that is a JSON array', JSON.stringify({ alg: 'HS256' }), JSON.stringify([PAYLOAD])],
      ['a header that is a JSON string', '"HS256"', JSON.stringify(PAYLOAD)],
      ['a header that is a JSON array', '["HS256"]', JSON.stringify(PAYLOAD)],
      ['a header that is null', 'null', JSON.stringify(PAYLOAD)],
    ] as const) {
      it(`${label}, though signed, is refused`, () => {
        const input = `${Buffer.from(rawHeader).toString('base64url')}.${Buffer.from(rawPayload).toString('base64url')}`;
        assert.equal(accepted(`${input}.${signInput(input, 'HS256', KEYS.HS256.signing)}`, 'HS256'), false);
      });
    }
  });
});
