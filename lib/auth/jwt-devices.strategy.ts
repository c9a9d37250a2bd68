import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passportJwt, { type JwtFromRequestFunction } from 'passport-jwt';
import type { JwtDevicesClock } from '../clock.js';
import { accessTokenVerifyOptions } from '../crypto/access-token-jwt.js';
import { InvalidAccessTokenError } from '../errors/jwt-devices.error.js';
import { toHttpError } from '../errors/http-answers.js';
import { INVALID_ACCESS_TOKEN_MESSAGE } from '../errors/messages.js';
import { JWT_DEVICES_CLOCK, JWT_DEVICES_STRATEGY } from '../jwt-devices.constants.js';
import { JWT_DEVICES_OPTIONS, JWT_DEVICES_SIGNING_KEYS, REQUEST_CLAIMS, REQUEST_DEVICE } from '../jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';
import type { JwtClaims } from '../handlers/jwt-payload.handler.js';
import type { SigningKeys } from '../options/key-policy.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { AccessTokenAuthenticator } from '../access-token.authenticator.js';
import { TokensService } from '../tokens.service.js';
import { accessTokenExtractor } from './access-token.extractor.js';
import { assertNotCrossSiteCookieRequest } from './cookie-csrf.js';

/**
 * The `jwt-devices` strategy. Through Passport (`AuthGuard('jwt-devices')`), passport-jwt does its
 * documented job: it extracts the token with the module's strict extractor and verifies it with
 * jsonwebtoken, the pinned algorithm, issuer, audience, leeway and the module's clock; `validate`
 * adds the module's own checks and the device and user. `JwtDevicesAuthGuard` calls
 * `authenticateRequest` instead, which verifies through the module's JwtService and its
 * verified-token cache: the same checks, the same answers.
 */
@Injectable()
export class JwtDevicesStrategy extends PassportStrategy(passportJwt.Strategy, JWT_DEVICES_STRATEGY) {
  private readonly extractToken: JwtFromRequestFunction;
  private readonly authCookie: string | undefined;

  constructor(
    @Inject(JWT_DEVICES_OPTIONS) options: ResolvedJwtDevicesOptions,
    @Inject(JWT_DEVICES_SIGNING_KEYS) keys: SigningKeys,
    @Inject(JWT_DEVICES_CLOCK) clock: JwtDevicesClock,
    private readonly tokens: TokensService,
    private readonly authenticator: AccessTokenAuthenticator,
  ) {
    const jwtFromRequest = accessTokenExtractor(options);
    super({
      jwtFromRequest,
      // A KeyObject, which jsonwebtoken takes as is (passport-jwt's typings say string or Buffer, which it would parse on every request).
      secretOrKey: keys.verificationKey as unknown as string,
      jsonWebTokenOptions: accessTokenVerifyOptions(options),
      passReqToCallback: true,
    });
    this.extractToken = jwtFromRequest;
    this.authCookie = options.authCookie;
    readClockOnEachVerification(this, clock);
  }

  override authenticate(request: Parameters<passportJwt.Strategy['authenticate']>[0], options?: object): void {
    try {
      assertNotCrossSiteCookieRequest(request, this.authCookie);
    } catch (error) {
      // A cross-site refusal is an answer (403), not a failed check.
      return this.error(toHttpError(error, 'unauthorized').exception);
    }
    // passport-jwt reports a missing or refused token through fail(), which Nest's AuthGuard answers with a bare
    // 'Unauthorized': answer with the module's 401 instead, as JwtDevicesAuthGuard does. `this` is Passport's per-request copy.
    this.fail = () => this.error(new UnauthorizedException(INVALID_ACCESS_TOKEN_MESSAGE));
    super.authenticate(request, options);
  }

  /** Called by passport-jwt once jsonwebtoken verified the token; false refuses it. */
  async validate(request: Record<symbol, unknown>, payload: unknown): Promise<JwtDevicesUser | false> {
    try {
      const claims = this.tokens.checkVerifiedToken(this.extractToken(request) ?? '', payload);
      return await this.accept(request, claims);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return false;
      // @nestjs/passport would answer any other error from here with a 500: give it the module's answer (503 for a database fault).
      throw toHttpError(error, 'unauthorized').exception;
    }
  }

  /**
   * The whole check without Passport, for JwtDevicesAuthGuard: the user, or false for a missing or
   * refused token; throws only when the check itself could not run (JwtDevicesUnavailableError) or
   * the request may be cross-site (CrossSiteRequestError).
   */
  async authenticateRequest(request: object): Promise<JwtDevicesUser | false> {
    assertNotCrossSiteCookieRequest(request, this.authCookie);
    const token = this.extractToken(request);
    if (!token) return false;
    try {
      return await this.accept(request as Record<symbol, unknown>, this.tokens.verifyAccessToken(token));
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return false;
      throw error;
    }
  }

  private async accept(request: Record<symbol, unknown>, verified: JwtClaims): Promise<JwtDevicesUser> {
    const { user, device, claims } = await this.authenticator.authenticateClaims(verified);
    request[REQUEST_DEVICE] = device;
    request[REQUEST_CLAIMS] = claims;
    return user;
  }
}

/**
 * passport-jwt copies its jsonwebtoken options once, into `_verifOpts` (passport-jwt 4), and
 * jsonwebtoken reads Date.now() unless given `clockTimestamp`: make that a getter of the module's
 * clock, so both ways of verifying read one clock. Fails at boot should passport-jwt change.
 */
function readClockOnEachVerification(strategy: object, clock: JwtDevicesClock): void {
  const verifyOptions = (strategy as { _verifOpts?: unknown })._verifOpts;
  if (typeof verifyOptions !== 'object' || verifyOptions === null) {
    throw new Error('JwtDevicesStrategy: passport-jwt no longer keeps its jsonwebtoken options in _verifOpts; the module clock cannot reach it');
  }
  Object.defineProperty(verifyOptions, 'clockTimestamp', { enumerable: true, get: () => Math.floor(clock.now().getTime() / 1000) });
}
