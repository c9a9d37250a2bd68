import { createHash } from 'node:crypto';
import { randomPool } from './random-pool.js';

export interface IssuedPermanentToken {
  token: string;
  hash: string;
}

const PERMANENT_TOKEN_BYTES = 32;
/** Version 2 tokens are 74 characters, earlier ones 43; the range admits tokens migrated from drf-jwt-devices. */
const PERMANENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/** A random permanent token in the format before version 2 (256 bits, URL-safe), and its hash. */
export function createPermanentToken(): IssuedPermanentToken {
  const token = randomPool.base64url(PERMANENT_TOKEN_BYTES);
  return { token, hash: hashPermanentToken(token) };
}

/** The SHA-256 hex that the device table stores in place of a token (any format). */
export function hashPermanentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isWellFormedPermanentToken(token: unknown): token is string {
  return typeof token === 'string' && PERMANENT_TOKEN_PATTERN.test(token);
}
