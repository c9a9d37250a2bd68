import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import type { JwtAlgorithm } from '../../lib/options/module-options.js';
import { publicKeyFormOf, resolveKeys, type KeyOptions } from '../../lib/options/key-policy.js';

interface PemPair {
  privateKey: string;
  publicKey: string;
}

function pair(type: 'rsa' | 'ec' | 'ed25519' | 'ed448', namedCurve = 'prime256v1'): PemPair {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding });
  if (type === 'ec') return generateKeyPairSync('ec', { namedCurve, publicKeyEncoding, privateKeyEncoding });
  if (type === 'ed448') return generateKeyPairSync('ed448', { publicKeyEncoding, privateKeyEncoding });
  return generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding });
}

const RSA = pair('rsa');
const OTHER_RSA = pair('rsa');
const P256 = pair('ec', 'prime256v1');
const OTHER_P256 = pair('ec', 'prime256v1');
const P384 = pair('ec', 'secp384r1');
const P521 = pair('ec', 'secp521r1');
const ED25519 = pair('ed25519');
const ED448 = pair('ed448');

/** The problems resolveKeys reports, and whether it returned keys. */
function check(options: KeyOptions, algorithm: JwtAlgorithm): { problems: string[]; keys: boolean } {
  const problems: string[] = [];
  const keys = resolveKeys(options, algorithm, problems);
  return { problems, keys: keys !== undefined };
}

// OpenSSH's wire format: each field is a 4-byte big-endian length, then the bytes.
function sshField(value: Buffer | string): Buffer {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function sshMpint(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, 'base64url');
  return sshField(bytes[0] & 0x80 ? Buffer.concat([Buffer.alloc(1), bytes]) : bytes);
}

/** The `authorized_keys` line of a public key, built from its JWK. */
function openSshLine(publicKeyPem: string): string {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' });
  let type: string;
  let body: Buffer;
  if (jwk.kty === 'RSA') {
    type = 'ssh-rsa';
    body = Buffer.concat([sshField(type), sshMpint(jwk.e!), sshMpint(jwk.n!)]);
  } else if (jwk.kty === 'OKP') {
    type = 'ssh-ed25519';
    body = Buffer.concat([sshField(type), sshField(Buffer.from(jwk.x!, 'base64url'))]);
  } else {
    type = 'ecdsa-sha2-nistp256';
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    body = Buffer.concat([sshField(type), sshField('nistp256'), sshField(point)]);
  }
  return `${type} ${body.toString('base64')} deploy@build-host`;
}

// A self-signed P-256 certificate (openssl req -x509 -newkey ec), in DER as base64.
const CERTIFICATE_DER_BASE64 =
  'MIIBczCCARmgAwIBAgIUMjzektUv/issBLXmVTICCZBO3egwCgYIKoZIzj0EAwIwDzENMAsGA1UEAwwEdGVzdDAeFw0yNjEyMDYxOTAyMTRaFw0zNjEyMDMxOTAyMTRaMA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQLGIUeVR8cp7mMbIwt29aJSWdwk2DcNO5N/xYRKXNL99VSvjo8+JTHVZdNXKLPxVjYxQ3QI81rIAEunu85s3u1o1MwUTAdBgNVHQ4EFgQU1Eh4fHGT8B5xDjGjAvMUG42q+tQwHwYDVR0jBBgwFoAU1Eh4fHGT8B5xDjGjAvMUG42q+tQwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAk/jb7t/vtldbOA9Uh2dJTd3EgRjdB8As8MeJpc9s7uQCICqtphGuL/M5p0vnzrwgTjb/UL0WAWHyi9D9VkTXLhY8';

function der(publicKeyPem: string, type: 'spki' | 'pkcs1' = 'spki'): Buffer {
  return createPublicKey(publicKeyPem).export({ type, format: 'der' });
}

function publicKeyObject(publicKeyPem: string): KeyObject {
  return createPublicKey(publicKeyPem);
}

describe('publicKeyFormOf: a public key given where a secret belongs', () => {
  for (const [name, keys] of [['RSA', RSA], ['P-256', P256], ['Ed25519', ED25519]] as const) {
    const spki = der(keys.publicKey);
    const base64 = spki.toString('base64');
    const forms: Array<[string, Buffer | string, string]> = [
      ['PEM text', keys.publicKey, 'PEM'],
      ['DER bytes (SPKI)', spki, 'DER'],
      ['JWK text', JSON.stringify(publicKeyObject(keys.publicKey).export({ format: 'jwk' })), 'JWK'],
      ['a JWK set', JSON.stringify({ keys: [publicKeyObject(keys.publicKey).export({ format: 'jwk' })] }), 'JWK'],
      ['base64 SPKI on one line', base64, 'base64 DER'],
      ['base64 SPKI wrapped at 64 columns, as in a PEM body', `${base64.replace(/(.{64})/g, '$1\n')}\n`, 'base64 DER'],
      ['base64url SPKI', spki.toString('base64url'), 'base64 DER'],
      ['hex SPKI', spki.toString('hex'), 'hex DER'],
      ['an OpenSSH authorized_keys line', openSshLine(keys.publicKey), 'OpenSSH'],
      ['base64 of the PEM text, as a secret store left it encoded', Buffer.from(keys.publicKey).toString('base64'), 'base64 PEM'],
      ['base64 of the JWK text', Buffer.from(JSON.stringify(publicKeyObject(keys.publicKey).export({ format: 'jwk' }))).toString('base64'), 'base64 JWK'],
      ['base64 of the OpenSSH line', Buffer.from(openSshLine(keys.publicKey)).toString('base64'), 'base64 OpenSSH'],
    ];
    for (const [form, value, expected] of forms) {
      it(`${name}: recognises ${form}`, () => {
        assert.equal(publicKeyFormOf(Buffer.from(value)), expected);
      });
    }
  }

  it('recognises an RSA public key in PKCS#1 DER, and as base64', () => {
    assert.equal(publicKeyFormOf(der(RSA.publicKey, 'pkcs1')), 'DER');
    assert.equal(publicKeyFormOf(Buffer.from(der(RSA.publicKey, 'pkcs1').toString('base64'))), 'base64 DER');
  });

  it('recognises an X.509 certificate, which carries a public key, in DER and as base64', () => {
    const certificate = Buffer.from(CERTIFICATE_DER_BASE64, 'base64');
    assert.equal(publicKeyFormOf(certificate), 'DER');
    assert.equal(publicKeyFormOf(Buffer.from(CERTIFICATE_DER_BASE64)), 'base64 DER');
  });

  it('recognises a private JWK, which carries its public key', () => {
    const jwk = JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));
    assert.equal(publicKeyFormOf(Buffer.from(jwk)), 'JWK');
  });

  it('recognises an RFC 4716 (SSH2) public key file and a PEM private key as PEM', () => {
    assert.equal(publicKeyFormOf(Buffer.from('---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2E\n---- END SSH2 PUBLIC KEY ----\n')), 'PEM');
    assert.equal(publicKeyFormOf(Buffer.from(RSA.privateKey)), 'PEM');
  });

  it('takes no random secret for a key, whatever text it is given in', () => {
    for (let round = 0; round < 200; round++) {
      const secret = randomBytes(32 + (round % 33));
      for (const value of [secret, secret.toString('base64'), secret.toString('base64url'), secret.toString('hex')]) {
        assert.equal(publicKeyFormOf(Buffer.from(value)), undefined, `round ${round}: ${value.toString()}`);
      }
    }
  });

  it('takes no passphrase, JSON that is no key, or symmetric JWK for a public key', () => {
    for (const value of ['correct horse battery staple and then some more words', '{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}', '{"secret":"x"}', 'ssh-rsa is what we use', '{ not json']) {
      assert.equal(publicKeyFormOf(Buffer.from(value)), undefined, value);
    }
  });
});

describe('resolveKeys', () => {
  it('refuses a public key given as an HMAC secret in each form, saying a public key is no secret', () => {
    const spki = der(RSA.publicKey);
    for (const secret of [spki, spki.toString('base64'), openSshLine(ED25519.publicKey), JSON.stringify(publicKeyObject(P256.publicKey).export({ format: 'jwk' }))]) {
      const { problems, keys } = check({ secret }, 'HS256');
      assert.equal(keys, false);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0], /^secret: looks like a public key \((DER|base64 DER|OpenSSH|JWK)\); a public key is no secret, so anyone who has it could sign HS256 tokens\./);
    }
  });

  it('keeps the PEM refusal as it was', () => {
    assert.deepEqual(check({ secret: P256.publicKey }, 'HS512').problems, ['secret: looks like a PEM key; an HS512 secret must be random bytes kept private']);
  });

  it('accepts a random 32-byte secret given as base64, base64url or hex text, or as bytes', () => {
    const secret = randomBytes(32);
    for (const value of [secret.toString('base64'), secret.toString('base64url'), secret.toString('hex'), secret]) {
      assert.deepEqual(check({ secret: value }, 'HS256'), { problems: [], keys: true });
    }
  });

  const MATCHED: Array<[JwtAlgorithm, PemPair]> = [
    ['RS256', RSA], ['RS384', RSA], ['RS512', RSA],
    ['PS256', RSA], ['PS384', RSA], ['PS512', RSA],
    ['ES256', P256], ['ES384', P384], ['ES512', P521],
  ];
  for (const [algorithm, keys] of MATCHED) {
    it(`accepts a matching ${algorithm} key pair (${createPublicKey(keys.publicKey).asymmetricKeyType})`, () => {
      assert.deepEqual(check(keys, algorithm), { problems: [], keys: true });
    });
  }

  const MISMATCHED: Array<[JwtAlgorithm, string, PemPair]> = [
    ['RS256', 'two RSA keys', { privateKey: RSA.privateKey, publicKey: OTHER_RSA.publicKey }],
    ['ES256', 'two P-256 keys', { privateKey: P256.privateKey, publicKey: OTHER_P256.publicKey }],
    ['PS256', 'two RSA keys', { privateKey: RSA.privateKey, publicKey: OTHER_RSA.publicKey }],
  ];
  for (const [algorithm, name, keys] of MISMATCHED) {
    it(`refuses ${name} that are not one pair, for ${algorithm}`, () => {
      assert.deepEqual(check(keys, algorithm).problems, [
        'privateKey, publicKey: not one key pair; tokens signed with privateKey would fail to verify with publicKey',
      ]);
    });
  }

  it('refuses Ed25519 and Ed448 key pairs for every algorithm: there is no EdDSA (jsonwebtoken, under @nestjs/jwt, has none)', () => {
    for (const keys of [ED25519, ED448]) {
      for (const algorithm of ['RS256', 'PS256', 'ES256'] as const) {
        const type = createPublicKey(keys.publicKey).asymmetricKeyType;
        assert.deepEqual(check(keys, algorithm).problems, [`privateKey: a ${type} key cannot be used with ${algorithm}`, `publicKey: a ${type} key cannot be used with ${algorithm}`]);
      }
    }
  });

  it('refuses an rsa-pss key for PS256 and RS256', () => {
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    assert.deepEqual(check(pss, 'PS256').problems, ['privateKey: a rsa-pss key cannot be used with PS256', 'publicKey: a rsa-pss key cannot be used with PS256']);
  });

  it('reports a key that does not fit the algorithm, and then does not also call the pair mismatched', () => {
    assert.deepEqual(check({ privateKey: RSA.privateKey, publicKey: P256.publicKey }, 'RS256').problems, ['publicKey: a ec key cannot be used with RS256']);
  });
});
