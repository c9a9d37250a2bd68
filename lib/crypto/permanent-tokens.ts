import { createHash } from 'node:crypto';
import { RandomPool } from './random-pool.js';

export interface IssuedPermanentToken {
  token: string;
  hash: string;
}

const PERMANENT_TOKEN_BYTES = 32;
/** Our tokens are 43 characters; the range admits tokens migrated from drf-jwt-devices. */
const PERMANENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;
const random = new RandomPool();

/** A new permanent token (256 random bits, URL-safe) and the hash that is stored instead of it. */
export function createPermanentToken(): IssuedPermanentToken {
  const token = random.base64url(PERMANENT_TOKEN_BYTES);
  return { token, hash: hashPermanentToken(token) };
}

/** The SHA-256 hex that the device table stores in place of the token. */
export function hashPermanentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isWellFormedPermanentToken(token: unknown): token is string {
  return typeof token === 'string' && PERMANENT_TOKEN_PATTERN.test(token);
}
