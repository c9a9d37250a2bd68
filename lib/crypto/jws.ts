import { createHmac, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../options/module-options.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const ES_SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

export interface DecodedJws {
  header: unknown;
  payload: unknown;
}

/** Signs a compact JWS with one pinned algorithm (node:crypto covers EdDSA, which jsonwebtoken does not). */
export function signJws(payload: object, algorithm: JwtAlgorithm, key: KeyObject): string {
  const header = Buffer.from(JSON.stringify({ alg: algorithm, typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const input = `${header}.${body}`;
  return `${input}.${signInput(input, algorithm, key).toString('base64url')}`;
}

/**
 * Verifies the signature of a compact JWS with the pinned algorithm and key before it parses
 * anything; then the header must name that same algorithm. Null for anything else.
 */
export function verifyJws(token: string, algorithm: JwtAlgorithm, key: KeyObject): DecodedJws | null {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1 || second === token.length - 1) return null;
  const signature = token.slice(second + 1);
  if (!isCanonicalBase64url(signature)) return null;
  const input = token.slice(0, second);
  if (!checkSignature(input, Buffer.from(signature, 'base64url'), algorithm, key)) return null;
  const header = parseSegment(token.slice(0, first));
  const payload = parseSegment(token.slice(first + 1, second));
  if (header === undefined || payload === undefined) return null;
  if ((header as { alg?: unknown } | null)?.alg !== algorithm) return null;
  return { header, payload };
}

function signInput(input: string, algorithm: JwtAlgorithm, key: KeyObject): Buffer {
  const family = algorithm.slice(0, 2);
  const hash = HASHES[algorithm.slice(2)];
  if (family === 'HS') return createHmac(hash, key).update(input).digest();
  if (family === 'RS') return sign(hash, Buffer.from(input), key);
  if (family === 'ES') return sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return sign(null, Buffer.from(input), key);
}

function checkSignature(input: string, signature: Buffer, algorithm: JwtAlgorithm, key: KeyObject): boolean {
  const family = algorithm.slice(0, 2);
  const hash = HASHES[algorithm.slice(2)];
  try {
    if (family === 'HS') {
      const expected = createHmac(hash, key).update(input).digest();
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    }
    if (family === 'RS') return verify(hash, Buffer.from(input), key, signature);
    if (family === 'ES') {
      if (signature.length !== ES_SIGNATURE_BYTES[algorithm]) return false;
      return verify(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return verify(null, Buffer.from(input), key, signature);
  } catch {
    return false;
  }
}

// The last character of a segment whose length is 2 or 3 (mod 4) carries spare bits; these leave them zero.
const CANONICAL_LAST = ['', '', 'AQgw', 'AEIMQUYcgkosw048'];

/** Base64url without padding, and with no spare bits set, so one token has exactly one spelling. */
function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false;
  const rest = segment.length % 4;
  return rest === 0 || (rest !== 1 && CANONICAL_LAST[rest].includes(segment[segment.length - 1]));
}

function parseSegment(segment: string): unknown {
  if (!isCanonicalBase64url(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
