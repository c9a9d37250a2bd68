import { constants, createPrivateKey, createPublicKey, createSecretKey, sign, verify, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from './module-options.js';

export const MIN_HMAC_SECRET_BYTES = 32;
export const MIN_RSA_BITS = 2048;

/** The key options as the app gave them, unchecked. */
export interface KeyOptions {
  secret?: unknown;
  privateKey?: unknown;
  publicKey?: unknown;
}

export interface SigningKeys {
  signingKey: KeyObject;
  verificationKey: KeyObject;
}

const EXPECTED_KEY_TYPES: Record<string, string[]> = {
  // Not rsa-pss: Node would sign PS-style padding under an RS header, which no one else verifies;
  // and for PS, an rsa-pss key may restrict its hash and salt, which the probe below would not see.
  RS: ['rsa'],
  PS: ['rsa'],
  ES: ['ec'],
};
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const PROBE = Buffer.from('nestjs-jwt-devices: does this private key sign for this public key?');

/** The keys of `algorithm` (a valid one) from the options; each thing wrong with them becomes a line of `problems`. */
export function resolveKeys(options: KeyOptions, algorithm: JwtAlgorithm, problems: string[]): SigningKeys | undefined {
  return algorithm.startsWith('HS') ? hmacKeys(options, algorithm, problems) : asymmetricKeys(options, algorithm, problems);
}

function hmacKeys({ secret, privateKey, publicKey }: KeyOptions, algorithm: JwtAlgorithm, problems: string[]): SigningKeys | undefined {
  if (privateKey !== undefined || publicKey !== undefined) {
    problems.push(`privateKey/publicKey: not used by ${algorithm}; give a secret, or pick an RS/PS/ES algorithm`);
  }
  if (typeof secret !== 'string' && !Buffer.isBuffer(secret)) {
    problems.push(`secret: required for ${algorithm}, a string or Buffer of at least ${MIN_HMAC_SECRET_BYTES} bytes`);
    return undefined;
  }
  const bytes = Buffer.from(secret);
  const form = publicKeyFormOf(bytes);
  if (form === 'PEM') {
    problems.push(`secret: looks like a PEM key; an ${algorithm} secret must be random bytes kept private`);
    return undefined;
  }
  if (form !== undefined) {
    problems.push(
      `secret: looks like a public key (${form}); a public key is no secret, so anyone who has it could sign ${algorithm} tokens. ` +
        'Give random bytes kept private, or the key pair with an RS/PS/ES algorithm',
    );
    return undefined;
  }
  if (bytes.length < MIN_HMAC_SECRET_BYTES) {
    problems.push(`secret: must be at least ${MIN_HMAC_SECRET_BYTES} bytes for ${algorithm} (got ${bytes.length})`);
    return undefined;
  }
  const key = createSecretKey(bytes);
  return { signingKey: key, verificationKey: key };
}

function asymmetricKeys({ secret, privateKey, publicKey }: KeyOptions, algorithm: JwtAlgorithm, problems: string[]): SigningKeys | undefined {
  if (secret !== undefined) problems.push(`secret: not used by ${algorithm}; give privateKey and publicKey`);
  if (privateKey === undefined || publicKey === undefined) {
    problems.push(`privateKey, publicKey: both required for ${algorithm}`);
    return undefined;
  }
  let keys: SigningKeys;
  try {
    keys = { signingKey: createPrivateKey(privateKey as string | Buffer), verificationKey: createPublicKey(publicKey as string | Buffer) };
  } catch {
    problems.push('privateKey/publicKey: not a readable PEM or DER key');
    return undefined;
  }
  const misfits = [keyMisfit(keys.signingKey, algorithm), keyMisfit(keys.verificationKey, algorithm)];
  if (misfits[0]) problems.push(`privateKey: ${misfits[0]}`);
  if (misfits[1]) problems.push(`publicKey: ${misfits[1]}`);
  if (!misfits[0] && !misfits[1] && !isKeyPair(keys, algorithm)) {
    // Otherwise the app would boot and answer every token with 401.
    problems.push('privateKey, publicKey: not one key pair; tokens signed with privateKey would fail to verify with publicKey');
  }
  return keys;
}

/** Why `key` cannot serve `algorithm`, or undefined when it can. */
function keyMisfit(key: KeyObject, algorithm: JwtAlgorithm): string | undefined {
  const type = key.asymmetricKeyType ?? '';
  if (!EXPECTED_KEY_TYPES[algorithm.slice(0, 2)].includes(type)) return `a ${type} key cannot be used with ${algorithm}`;
  if (EC_CURVES[algorithm] && key.asymmetricKeyDetails?.namedCurve !== EC_CURVES[algorithm]) return `${algorithm} needs a ${EC_CURVES[algorithm]} key`;
  if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return `RSA keys must have at least ${MIN_RSA_BITS} bits`;
  return undefined;
}

/** Signs a probe with the private key and verifies it with the public one, as every token will be. */
function isKeyPair({ signingKey, verificationKey }: SigningKeys, algorithm: JwtAlgorithm): boolean {
  const hash = `sha${algorithm.slice(2)}`;
  const padding = algorithm.startsWith('PS') ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {};
  try {
    return verify(hash, PROBE, { key: verificationKey, ...padding }, sign(hash, PROBE, { key: signingKey, ...padding }));
  } catch {
    return false;
  }
}

const OPENSSH_PUBLIC_KEY = /^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s+AAAA/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * The form of public key that `bytes` hold, if they hold one (`'PEM'` for any PEM text). Each form
 * is parsed as a key, not guessed from its alphabet, so a random secret in base64 or hex passes.
 * Base64 and hex are decoded once and looked at again, as a PEM or JWK left encoded in a secret store would be.
 */
export function publicKeyFormOf(bytes: Buffer, decodeOnce = true): string | undefined {
  const text = bytes.toString('latin1').trim();
  if (text.includes('-----BEGIN') || text.includes('---- BEGIN SSH2 PUBLIC KEY ----')) return 'PEM';
  if (OPENSSH_PUBLIC_KEY.test(text)) return 'OpenSSH';
  if (isDerPublicKey(bytes) || isDerCertificate(bytes)) return 'DER';
  if (isJwk(text)) return 'JWK';
  if (!decodeOnce) return undefined;
  const compact = text.replace(/\s+/g, '');
  const decodings: Array<[string, Buffer | undefined]> = [
    ['hex', HEX.test(compact) ? Buffer.from(compact, 'hex') : undefined],
    ['base64', BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined],
  ];
  for (const [encoding, decoded] of decodings) {
    const form = decoded && publicKeyFormOf(decoded, false);
    if (form) return `${encoding} ${form}`;
  }
  return undefined;
}

/** An X.509 certificate in DER: it carries a public key too. */
function isDerCertificate(bytes: Buffer): boolean {
  return bytes[0] === 0x30 && parses(() => new X509Certificate(bytes));
}

/** An SPKI or PKCS#1 public key in DER. */
function isDerPublicKey(bytes: Buffer): boolean {
  // Both start with a DER SEQUENCE; anything else needs no parse.
  if (bytes[0] !== 0x30) return false;
  return (['spki', 'pkcs1'] as const).some((type) => parses(() => createPublicKey({ key: bytes, format: 'der', type })));
}

/** A JWK of an asymmetric key (public or private: either holds the public part), or a JWK set of them. */
function isJwk(text: string): boolean {
  if (!text.startsWith('{')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  const keys = (parsed as { keys?: unknown }).keys;
  const candidates = Array.isArray(keys) ? keys : [parsed];
  return candidates.some((jwk) => parses(() => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })));
}

function parses(attempt: () => unknown): boolean {
  try {
    attempt();
    return true;
  } catch {
    return false;
  }
}
