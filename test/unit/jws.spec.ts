import assert from 'node:assert/strict';
import { createHmac, createSecretKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { signJws, verifyJws } from '../../lib/crypto/jws.js';
import { JWT_ALGORITHMS, type JwtAlgorithm } from '../../lib/options/module-options.js';

interface KeyPair {
  signing: KeyObject;
  verification: KeyObject;
}

function secret(bytes: number): KeyPair {
  const key = createSecretKey(Buffer.alloc(bytes, 0x5a));
  return { signing: key, verification: key };
}

function asymmetric({ privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject }): KeyPair {
  return { signing: privateKey, verification: publicKey };
}

const rsa = asymmetric(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const KEYS: Record<JwtAlgorithm, KeyPair> = {
  HS256: secret(32),
  HS384: secret(48),
  HS512: secret(64),
  RS256: rsa,
  RS384: rsa,
  RS512: rsa,
  ES256: asymmetric(generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
  ES384: asymmetric(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })),
  ES512: asymmetric(generateKeyPairSync('ec', { namedCurve: 'secp521r1' })),
  EdDSA: asymmetric(generateKeyPairSync('ed25519')),
};
const PAYLOAD = { user_id: 1, username: 'alice', device_id: '7', iat: 1_700_000_000, exp: 1_700_000_300, note: 'ünïcødé ✓' };

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The signature over `input` that signJws would make, so a test can sign inputs signJws never builds. */
function signInput(input: string, algorithm: JwtAlgorithm, key: KeyObject): string {
  const hash = `sha${algorithm.slice(2)}`;
  if (algorithm.startsWith('HS')) return createHmac(hash, key).update(input).digest('base64url');
  if (algorithm.startsWith('RS')) return sign(hash, Buffer.from(input), key).toString('base64url');
  if (algorithm.startsWith('ES')) return sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return sign(null, Buffer.from(input), key).toString('base64url');
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

describe('signJws / verifyJws', () => {
  for (const algorithm of JWT_ALGORITHMS) {
    describe(algorithm, () => {
      const { signing, verification } = KEYS[algorithm];
      const token = signJws(PAYLOAD, algorithm, signing);
      const [header, payload, signature] = token.split('.');

      it('round-trips: the header names the algorithm and the payload comes back as signed', () => {
        assert.deepEqual(verifyJws(token, algorithm, verification), { header: { alg: algorithm, typ: 'JWT' }, payload: PAYLOAD });
      });

      it('a changed signature is refused', () => {
        assert.equal(verifyJws(`${header}.${payload}.${flipAt(signature, Math.floor(signature.length / 2))}`, algorithm, verification), null);
        assert.equal(verifyJws(`${header}.${payload}.${flipAt(signature, 0)}`, algorithm, verification), null);
      });

      it('a changed header is refused', () => {
        assert.equal(verifyJws(`${encode({ alg: algorithm, typ: 'JWT', kid: 'x' })}.${payload}.${signature}`, algorithm, verification), null);
      });

      it('a changed payload is refused', () => {
        assert.equal(verifyJws(`${header}.${encode({ ...PAYLOAD, user_id: 2 })}.${signature}`, algorithm, verification), null);
      });

      it('the signature of another payload is refused', () => {
        const other = signJws({ ...PAYLOAD, user_id: 2 }, algorithm, signing).split('.')[2];
        assert.equal(verifyJws(`${header}.${payload}.${other}`, algorithm, verification), null);
      });

      it('an empty or missing signature is refused', () => {
        assert.equal(verifyJws(`${header}.${payload}.`, algorithm, verification), null);
        assert.equal(verifyJws(`${header}.${payload}`, algorithm, verification), null);
      });

      it('a padded signature is refused', () => {
        assert.equal(verifyJws(`${token}=`, algorithm, verification), null);
        assert.equal(verifyJws(`${token}==`, algorithm, verification), null);
      });

      if (algorithm.startsWith('HS')) {
        it('an HMAC signature cut short by one byte, or to half its bytes, in canonical base64url, is refused', () => {
          const bytes = Buffer.from(signature, 'base64url');
          for (const kept of [bytes.length - 1, bytes.length / 2]) {
            const short = bytes.subarray(0, kept).toString('base64url');
            assert.deepEqual(Buffer.from(short, 'base64url'), bytes.subarray(0, kept), 'the short signature decodes to exactly those bytes');
            assert.equal(verifyJws(`${header}.${payload}.${short}`, algorithm, verification), null, `${kept} of ${bytes.length} bytes`);
          }
        });
      }

      it('a signature with a character outside base64url (+, /, =, space) is refused', () => {
        const middle = Math.floor(signature.length / 2);
        for (const bad of ['+', '/', '=', ' ']) {
          const spoiled = `${signature.slice(0, middle)}${bad}${signature.slice(middle + 1)}`;
          assert.equal(verifyJws(`${header}.${payload}.${spoiled}`, algorithm, verification), null, bad);
        }
      });
    });
  }

  it('a token is refused under another algorithm of its family, even with a key that fits', () => {
    const token = signJws(PAYLOAD, 'HS256', KEYS.HS256.signing);
    assert.equal(verifyJws(token, 'HS384', KEYS.HS256.verification), null);
    assert.equal(verifyJws(token, 'HS512', KEYS.HS256.verification), null);
    const rs = signJws(PAYLOAD, 'RS256', rsa.signing);
    assert.equal(verifyJws(rs, 'RS384', rsa.verification), null);
  });

  it('a header whose alg differs from the pinned one is refused, though the signature is right for the pinned one', () => {
    for (const alg of ['HS512', 'none', 'hs256', undefined]) {
      const input = `${encode({ alg, typ: 'JWT' })}.${encode(PAYLOAD)}`;
      assert.equal(verifyJws(`${input}.${signInput(input, 'HS256', KEYS.HS256.signing)}`, 'HS256', KEYS.HS256.verification), null, String(alg));
    }
  });

  it('a control: a token built here the same way with alg HS256 verifies (so the refusals above are about alg)', () => {
    const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    assert.notEqual(verifyJws(`${input}.${signInput(input, 'HS256', KEYS.HS256.signing)}`, 'HS256', KEYS.HS256.verification), null);
  });

  it('an HMAC keyed with the RSA public key PEM does not pass as RS256 (algorithm confusion)', () => {
    const pemKey = createSecretKey(Buffer.from(rsa.verification.export({ type: 'spki', format: 'pem' })));
    const input = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    const token = `${input}.${createHmac('sha256', pemKey).update(input).digest('base64url')}`;
    assert.equal(verifyJws(token, 'RS256', rsa.verification), null);
  });

  it('a key of the wrong type makes verification refuse, never throw', () => {
    const token = signJws(PAYLOAD, 'ES256', KEYS.ES256.signing);
    assert.equal(verifyJws(token, 'ES256', rsa.verification), null);
    assert.equal(verifyJws(signJws(PAYLOAD, 'HS256', KEYS.HS256.signing), 'HS256', rsa.verification), null);
    assert.equal(verifyJws(signJws(PAYLOAD, 'RS256', rsa.signing), 'RS256', KEYS.HS256.verification), null);
  });

  it('an ES256 signature in DER encoding, though made by the right key, is refused', () => {
    const input = `${encode({ alg: 'ES256', typ: 'JWT' })}.${encode(PAYLOAD)}`;
    const der = sign('sha256', Buffer.from(input), { key: KEYS.ES256.signing, dsaEncoding: 'der' }).toString('base64url');
    assert.equal(verifyJws(`${input}.${der}`, 'ES256', KEYS.ES256.verification), null);
  });

  it('an ES256 signature one byte short or long is refused', () => {
    const token = signJws(PAYLOAD, 'ES256', KEYS.ES256.signing);
    const [header, payload, signature] = token.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    assert.equal(verifyJws(`${header}.${payload}.${bytes.subarray(1).toString('base64url')}`, 'ES256', KEYS.ES256.verification), null);
    assert.equal(verifyJws(`${header}.${payload}.${Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64url')}`, 'ES256', KEYS.ES256.verification), null);
  });

  describe('non-canonical base64url', () => {
    const { signing, verification } = KEYS.HS256;

    it('a signature with spare bits set (the same bytes spelled differently) is refused', () => {
      const token = signJws(PAYLOAD, 'HS256', signing);
      const [header, payload, signature] = token.split('.');
      const other = respell(signature);
      assert.notEqual(other, signature);
      assert.deepEqual(Buffer.from(other, 'base64url'), Buffer.from(signature, 'base64url'));
      assert.equal(verifyJws(`${header}.${payload}.${other}`, 'HS256', verification), null);
    });

    it('a payload with spare bits set is refused, though the signature covers exactly those characters', () => {
      let payload = encode(PAYLOAD);
      // The last character carries spare bits only when the length is not a multiple of 4.
      for (let pad = 0; payload.length % 4 === 0; pad++) payload = encode({ ...PAYLOAD, pad: 'x'.repeat(pad + 1) });
      const respelled = respell(payload);
      assert.equal(Buffer.from(respelled, 'base64url').toString(), Buffer.from(payload, 'base64url').toString());
      const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${respelled}`;
      assert.equal(verifyJws(`${input}.${signInput(input, 'HS256', signing)}`, 'HS256', verification), null);
    });

    it('a padded header is refused, though the signature covers the padding', () => {
      let header = '';
      for (let kid = '1'; !header.endsWith('='); kid += '1') header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })).toString('base64');
      const input = `${header}.${encode(PAYLOAD)}`;
      assert.equal(verifyJws(`${input}.${signInput(input, 'HS256', signing)}`, 'HS256', verification), null);
    });

    it('a payload in standard base64 with + or / is refused, though signed', () => {
      const payload = Buffer.from(JSON.stringify({ ...PAYLOAD, note: '>>>???' })).toString('base64').replace(/=+$/, '');
      assert.match(payload, /[+/]/);
      const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${payload}`;
      assert.equal(verifyJws(`${input}.${signInput(input, 'HS256', signing)}`, 'HS256', verification), null);
    });
  });

  describe('structure', () => {
    const { signing, verification } = KEYS.HS256;
    const token = signJws(PAYLOAD, 'HS256', signing);
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
        assert.equal(verifyJws(candidate, 'HS256', verification), null);
      });
    }

    for (const [label, rawHeader, rawPayload] of [
      ['a header that is not JSON', 'HS256', JSON.stringify(PAYLOAD)],
      ['a payload that is not JSON', JSON.stringify({ alg: 'HS256' }), 'user_id=1'],
      ['a header that is a JSON string', '"HS256"', JSON.stringify(PAYLOAD)],
      ['a header that is a JSON array', '["HS256"]', JSON.stringify(PAYLOAD)],
      ['a header that is null', 'null', JSON.stringify(PAYLOAD)],
    ] as const) {
      it(`${label}, though signed, is refused`, () => {
        const input = `${Buffer.from(rawHeader).toString('base64url')}.${Buffer.from(rawPayload).toString('base64url')}`;
        assert.equal(verifyJws(`${input}.${signInput(input, 'HS256', signing)}`, 'HS256', verification), null);
      });
    }

    it('verification checks the signature before it parses: an unsigned bad segment is refused the same way', () => {
      assert.equal(verifyJws(`${Buffer.from('{{{').toString('base64url')}.${payload}.${signature}`, 'HS256', verification), null);
    });
  });
});
