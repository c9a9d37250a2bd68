import type { JwtFromRequestFunction } from 'passport-jwt';
import { headerCount, readCookie, readHeader } from '../platform/request-headers.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { MAX_ACCESS_TOKEN_LENGTH } from '../tokens.service.js';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Reads `Authorization: <scheme> <token>` strictly: one header, one space, a known scheme
 * (any letter case) and one compact JWS; else the auth cookie when no header was sent.
 */
export function accessTokenExtractor(options: Pick<ResolvedJwtDevicesOptions, 'authHeaderPrefixes' | 'authCookie'>): JwtFromRequestFunction {
  const schemes = new Set(options.authHeaderPrefixes.map((prefix) => prefix.toLowerCase()));
  return (request) => {
    const header = readHeader(request, 'authorization');
    const token = header === undefined ? cookieToken(request, options.authCookie) : headerToken(request, header, schemes);
    return token !== undefined && token.length <= MAX_ACCESS_TOKEN_LENGTH && COMPACT_JWS.test(token) ? token : null;
  };
}

function headerToken(request: unknown, header: string, schemes: Set<string>): string | undefined {
  if (headerCount(request, 'authorization') !== 1) return undefined;
  const space = header.indexOf(' ');
  if (space <= 0 || !schemes.has(header.slice(0, space).toLowerCase())) return undefined;
  return header.slice(space + 1);
}

function cookieToken(request: unknown, cookie: string | undefined): string | undefined {
  return cookie === undefined ? undefined : readCookie(request, cookie);
}

/** Whether the request tried to authenticate at all, to say `error="invalid_token"` in the 401. */
export function sentAccessToken(request: unknown, cookie: string | undefined): boolean {
  return readHeader(request, 'authorization') !== undefined || (cookie !== undefined && readCookie(request, cookie) !== undefined);
}
