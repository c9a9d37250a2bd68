import { hkdfSync, type KeyObject } from 'node:crypto';
import { describe } from './duration.js';
import { MIN_HMAC_SECRET_BYTES, publicKeyFormOf } from './key-policy.js';

/** The HMAC keys of permanent tokens: the first signs, all verify. */
export type PermanentTokenKeys = readonly Buffer[];

/** Fixed, so one secret always yields the same key, and a key derived for another purpose never equals it. */
const HKDF_INFO = 'nestjs-jwt-devices permanent token v2';
const HKDF_SALT = Buffer.alloc(0);
const KEY_BYTES = 32;

/**
 * The permanent-token keys: each entry of `permanentTokenSecrets` (or, without it, the access-token
 * `secret` or the `privateKey`) run through HKDF-SHA256 with a fixed info string. Deriving every entry
 * the same way means `permanentTokenSecrets: [newSecret, oldSecret]` keeps the tokens signed under
 * the default key of `oldSecret` working while the access-token secret is rotated.
 */
export function resolvePermanentTokenKeys(raw: unknown, signingKey: KeyObject | undefined, problems: string[]): PermanentTokenKeys | undefined {
  if (raw === undefined) return signingKey ? [derive(keyMaterial(signingKey))] : undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`permanentTokenSecrets: must be a non-empty array of strings or Buffers (got ${typeof raw === 'string' ? 'a string' : describe(raw)})`);
    return undefined;
  }
  const keys: Buffer[] = [];
  raw.forEach((entry: unknown, index) => {
    const name = `permanentTokenSecrets[${index}]`;
    if (typeof entry !== 'string' && !Buffer.isBuffer(entry)) {
      problems.push(`${name}: must be a string or Buffer of at least ${MIN_HMAC_SECRET_BYTES} bytes (got ${describe(entry)})`);
      return;
    }
    const bytes = Buffer.from(entry);
    if (bytes.length < MIN_HMAC_SECRET_BYTES) problems.push(`${name}: must be at least ${MIN_HMAC_SECRET_BYTES} bytes (got ${bytes.length})`);
    else if (publicKeyFormOf(bytes) !== undefined) problems.push(`${name}: looks like a key in a public form; give random bytes kept private`);
    else keys.push(derive(bytes));
  });
  return keys.length === raw.length ? keys : undefined;
}

/** The secret bytes of the access-token signing key: the HMAC secret, or the private key in PKCS#8 DER. */
function keyMaterial(signingKey: KeyObject): Buffer {
  return signingKey.type === 'secret' ? signingKey.export() : (signingKey.export({ format: 'der', type: 'pkcs8' }) as Buffer);
}

function derive(material: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', material, HKDF_SALT, HKDF_INFO, KEY_BYTES));
}
