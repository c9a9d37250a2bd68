import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { randomPool } from './random-pool.js';
import { hashPermanentToken } from './permanent-tokens.js';

/** What a version 2 permanent token says about itself; authentic only once `read` returned it. */
export interface PermanentTokenClaims {
  deviceId: number;
  /** The device's `created` (epoch ms): binds the token to that device, not to a later one that reuses the id. */
  created: number;
  generation: number;
  /** Epoch ms. */
  issuedAt: number;
}

export interface IssuedVersionedToken {
  token: string;
  /** SHA-256 (hex) of the token: what the device row stores. */
  hash: string;
}

const VERSION = 2;
const RANDOM_BYTES = 16;
const MAC_BYTES = 16;
// version | device id (uint48) | created (uint48) | generation (uint32) | issued at (uint48) | random | MAC
const ID_AT = 1;
const CREATED_AT = 7;
const GENERATION_AT = 13;
const ISSUED_AT = 17;
const RANDOM_AT = 23;
const MAC_AT = RANDOM_AT + RANDOM_BYTES;
const TOKEN_BYTES = MAC_AT + MAC_BYTES;
/** base64url without padding of TOKEN_BYTES bytes. */
export const VERSIONED_TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const MAX_UINT48 = 2 ** 48 - 1;
const MAX_UINT32 = 2 ** 32 - 1;

/**
 * Version 2 permanent tokens: base64url of a record that names the device, the incarnation of its id,
 * the rotation generation and the issue time, 128 random bits, and an HMAC-SHA256 (truncated to 128
 * bits) over all of it under a server-side key. The first key signs; every key verifies, so a key can
 * be rotated. A token that fails the MAC is rejected before anything reads the database.
 */
export class PermanentTokenCodec {
  constructor(private readonly keys: readonly Buffer[]) {
    if (keys.length === 0) throw new RangeError('at least one permanent-token key is required');
  }

  issue(claims: PermanentTokenClaims): IssuedVersionedToken {
    checkRange(claims.deviceId, MAX_UINT48, 'deviceId');
    checkRange(claims.created, MAX_UINT48, 'created');
    checkRange(claims.generation, MAX_UINT32, 'generation');
    checkRange(claims.issuedAt, MAX_UINT48, 'issuedAt');
    const record = Buffer.alloc(TOKEN_BYTES);
    record[0] = VERSION;
    record.writeUIntBE(claims.deviceId, ID_AT, 6);
    record.writeUIntBE(claims.created, CREATED_AT, 6);
    record.writeUInt32BE(claims.generation, GENERATION_AT);
    record.writeUIntBE(claims.issuedAt, ISSUED_AT, 6);
    randomPool.copyInto(record, RANDOM_AT, RANDOM_BYTES);
    mac(this.keys[0], record).copy(record, MAC_AT);
    const token = record.toString('base64url');
    return { token, hash: hashPermanentToken(token) };
  }

  /** The claims of an authentic version 2 token; null for anything else (garbled, forged, another deployment's). */
  read(token: string): PermanentTokenClaims | null {
    if (token.length !== VERSIONED_TOKEN_LENGTH) return null;
    const record = Buffer.from(token, 'base64url');
    // One token, one spelling: no spare bits set, no character base64url would not emit.
    if (record.length !== TOKEN_BYTES || record.toString('base64url') !== token || record[0] !== VERSION) return null;
    const presented = record.subarray(MAC_AT);
    let authentic = false;
    // Every key is tried, so the time taken does not tell which one matched.
    for (const key of this.keys) authentic = timingSafeEqual(mac(key, record), presented) || authentic;
    if (!authentic) return null;
    return {
      deviceId: record.readUIntBE(ID_AT, 6),
      created: record.readUIntBE(CREATED_AT, 6),
      generation: record.readUInt32BE(GENERATION_AT),
      issuedAt: record.readUIntBE(ISSUED_AT, 6),
    };
  }
}

/**
 * Whether `token` has the shape of a version 2 token (checked by `read`): its length and its version
 * byte. Anything else is looked up as a legacy token, so an imported token that merely has this
 * length still works (the first two characters carry the version byte).
 */
export function isVersionedTokenShape(token: string): boolean {
  return token.length === VERSIONED_TOKEN_LENGTH && Buffer.from(token.slice(0, 2), 'base64url')[0] === VERSION;
}

/** Compares a token's hash with a stored one in constant time; false for a missing or malformed stored hash. */
export function matchesStoredHash(token: string, storedHex: string | null): boolean {
  if (storedHex === null || !/^[0-9a-f]{64}$/.test(storedHex)) return false;
  return timingSafeEqual(createHash('sha256').update(token, 'utf8').digest(), Buffer.from(storedHex, 'hex'));
}

function mac(key: Buffer, record: Buffer): Buffer {
  return createHmac('sha256', key).update(record.subarray(0, MAC_AT)).digest().subarray(0, MAC_BYTES);
}

function checkRange(value: number, max: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new RangeError(`${name} out of range for a permanent token`);
}
