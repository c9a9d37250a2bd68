import { JwtService, type JwtVerifyOptions } from '@nestjs/jwt';
import type { SigningKeys } from '../options/key-policy.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';

type JwtOptions = Pick<ResolvedJwtDevicesOptions, 'algorithm' | 'issuer' | 'audience' | 'leeway'>;

/**
 * The module's own JwtService (jsonwebtoken underneath), holding the keys as KeyObjects: given a
 * string, jsonwebtoken 9 parses the key again on every call (about 0.7 ms for an HS256 sign and
 * 0.9 ms for a verify, against 11 µs and 21 µs with a KeyObject; AMD EPYC, 2 shared vCPUs, Node 20.20,
 * see docs/performance.md). It is the module's alone, so an app's own JwtService is left as it is.
 */
export function accessTokenJwtService(options: JwtOptions, keys: SigningKeys): JwtService {
  const hmac = options.algorithm.startsWith('HS');
  return new JwtService({
    ...(hmac ? { secret: keys.signingKey } : { privateKey: keys.signingKey, publicKey: keys.verificationKey }),
    signOptions: { algorithm: options.algorithm },
    verifyOptions: accessTokenVerifyOptions(options),
  });
}

/** What jsonwebtoken checks on every access token: one pinned algorithm, the issuer, the audience, the leeway. */
export function accessTokenVerifyOptions({ algorithm, issuer, audience, leeway }: JwtOptions): JwtVerifyOptions {
  return { algorithms: [algorithm], issuer, audience, clockTolerance: leeway };
}

// The last character of a segment whose length is 2 or 3 (mod 4) carries spare bits; these leave them zero.
const CANONICAL_LAST = ['', '', 'AQgw', 'AEIMQUYcgkosw048'];
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Three segments of unpadded base64url with no spare bits set, so one token has exactly one
 * spelling (jsonwebtoken decodes RS/PS/ES signatures leniently, so it would accept respellings).
 */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return segments.length === 3 && segments.every(isCanonicalBase64url);
}

function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false;
  const rest = segment.length % 4;
  return rest === 0 || (rest !== 1 && CANONICAL_LAST[rest].includes(segment[segment.length - 1]));
}
