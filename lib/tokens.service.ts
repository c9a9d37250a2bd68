import { Inject, Injectable } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';
import type { Device } from './device.entity.js';
import { InvalidAccessTokenError } from './errors/jwt-devices.error.js';
import { isCanonicalCompactJws } from './crypto/access-token-jwt.js';
import { createPermanentToken, hashPermanentToken, isWellFormedPermanentToken, type IssuedPermanentToken } from './crypto/permanent-tokens.js';
import { randomPool } from './crypto/random-pool.js';
import { VerifiedTokenCache } from './store/verified-token-cache.js';
import type { JwtClaims, JwtPayloadHandler } from './handlers/jwt-payload.handler.js';
import type { JwtDevicesClock } from './clock.js';
import { JWT_DEVICES_CLOCK, JWT_PAYLOAD_HANDLER } from './jwt-devices.constants.js';
import { JWT_DEVICES_JWT_SERVICE, JWT_DEVICES_OPTIONS } from './jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from './options/resolved-options.js';

/** Header parameters that would let a token choose the key that verifies it (RFC 8725 §3.10). */
const KEY_SELECTING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];
const REGISTERED_CLAIMS = ['iat', 'exp', 'nbf', 'jti', 'iss', 'aud', 'orig_iat'];
export const MAX_ACCESS_TOKEN_LENGTH = 8192;
const JTI_BYTES = 16;

/** A token as jsonwebtoken decoded it once its signature checked out. */
export interface DecodedAccessToken {
  header: unknown;
  payload: unknown;
}

/** Access tokens (sign and verify) and permanent tokens (make and hash). */
@Injectable()
export class TokensService {
  private readonly verified = new VerifiedTokenCache<DecodedAccessToken>();

  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    @Inject(JWT_DEVICES_JWT_SERVICE) private readonly jwt: JwtService,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
    @Inject(JWT_PAYLOAD_HANDLER) private readonly payloadHandler: JwtPayloadHandler,
  ) {}

  /** Signs an access token for a user on a device, with a fresh `jti`. */
  async issueAccessToken(user: JwtDevicesUser, device: Device | null, origIat?: number): Promise<string> {
    const custom = await this.payloadHandler.payload(user, device);
    const claims: JwtClaims = {};
    for (const [name, value] of Object.entries(custom)) {
      if (!REGISTERED_CLAIMS.includes(name)) claims[name] = value;
    }
    return this.sign(claims, origIat);
  }

  /** Re-signs verified claims with a new `iat`, `exp` and `jti`, keeping `orig_iat`. */
  reissue(claims: JwtClaims, origIat: number): string {
    const kept: JwtClaims = {};
    for (const [name, value] of Object.entries(claims)) {
      if (!REGISTERED_CLAIMS.includes(name)) kept[name] = value;
    }
    return this.sign(kept, origIat);
  }

  private sign(claims: JwtClaims, origIat?: number): string {
    const iat = this.nowSeconds();
    claims.iat = iat;
    claims.exp = iat + Math.ceil(this.options.accessTokenTtl);
    claims.jti = randomPool.base64url(JTI_BYTES);
    if (this.options.allowRefresh) claims.orig_iat = origIat ?? iat;
    if (this.options.issuer !== undefined) claims.iss = this.options.issuer;
    if (this.options.audience !== undefined) claims.aud = this.options.audience;
    // jsonwebtoken keeps this iat (it would read Date.now() only without one); exp is set above, so no expiresIn.
    return this.jwt.sign(claims);
  }

  /** Checks signature, algorithm, issuer, audience and times; returns the claims. */
  verifyAccessToken(token: string): JwtClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_ACCESS_TOKEN_LENGTH) {
      throw new InvalidAccessTokenError('malformed');
    }
    const cached = this.verified.get(token);
    if (cached) return this.checkVerified(cached);
    if (!isCanonicalCompactJws(token)) throw new InvalidAccessTokenError('malformed');
    const verified = this.verifySignature(token);
    if (!verified) throw new InvalidAccessTokenError('signature');
    const claims = this.checkVerified(verified);
    // Only after every check passed, so a refused token never takes a place.
    this.verified.remember(token, verified);
    return claims;
  }

  /** jsonwebtoken's check, through JwtService: the signature under the pinned algorithm, then exp, nbf, iss and aud at the module's clock. */
  private verifySignature(token: string): DecodedAccessToken | null {
    try {
      const { header, payload } = this.jwt.verify(token, { complete: true, clockTimestamp: this.nowSeconds() });
      return { header, payload };
    } catch {
      return null;
    }
  }

  /** checkVerified for a token that passport-jwt verified, which hands over its payload only. */
  checkVerifiedToken(token: string, payload: unknown): JwtClaims {
    if (!isCanonicalCompactJws(token)) throw new InvalidAccessTokenError('malformed');
    return this.checkVerified({ header: this.jwt.decode(token, { complete: true })?.header, payload });
  }

  /**
   * The module's own checks of a token whose signature is verified, beyond jsonwebtoken's (which
   * accepts a token without `exp` and never refuses a future `iat`): no key-selecting headers, a
   * required finite `exp`, no future `iat`/`nbf`, `iss`/`aud`.
   */
  checkVerified(verified: DecodedAccessToken): JwtClaims {
    const { header, payload } = verified;
    if (!isPlainObject(header) || !isPlainObject(payload)) throw new InvalidAccessTokenError('shape');
    if (header.alg !== this.options.algorithm) throw new InvalidAccessTokenError('algorithm');
    for (const name of KEY_SELECTING_HEADERS) {
      if (name in header) throw new InvalidAccessTokenError('header');
    }
    const now = this.nowSeconds();
    const leeway = this.options.leeway;
    const { exp, iat, nbf } = payload;
    if (!isNumericDate(exp) || now >= exp + leeway) throw new InvalidAccessTokenError('expired');
    if (!isNumericDate(iat) || iat > now + leeway) throw new InvalidAccessTokenError('iat');
    if (nbf !== undefined && (!isNumericDate(nbf) || nbf > now + leeway)) throw new InvalidAccessTokenError('nbf');
    if (this.options.issuer !== undefined && payload.iss !== this.options.issuer) throw new InvalidAccessTokenError('iss');
    if (this.options.audience !== undefined && !hasAudience(payload.aud, this.options.audience)) {
      throw new InvalidAccessTokenError('aud');
    }
    return payload;
  }

  /**
   * A random permanent token (256 bits, URL-safe) in the format before version 2, and the hash to store in
   * `legacy_token_hash` for a device the app writes itself; logins issue version 2 tokens (DevicesService).
   */
  createPermanentToken(): IssuedPermanentToken {
    return createPermanentToken();
  }

  hashPermanentToken(token: string): string {
    return hashPermanentToken(token);
  }

  isWellFormedPermanentToken(token: unknown): token is string {
    return isWellFormedPermanentToken(token);
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasAudience(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
