import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passportJwt, { type JwtFromRequestFunction } from 'passport-jwt';
import { CrossSiteRequestError, InvalidAccessTokenError } from '../errors/jwt-devices.error.js';
import { toHttpError } from '../errors/http-answers.js';
import { JWT_DEVICES_STRATEGY } from '../jwt-devices.constants.js';
import { JWT_DEVICES_OPTIONS, REQUEST_CLAIMS, REQUEST_DEVICE } from '../jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { AccessTokenAuthenticator } from '../access-token.authenticator.js';
import { accessTokenExtractor } from './access-token.extractor.js';
import { assertNotCrossSiteCookieRequest } from './cookie-csrf.js';

/**
 * A passport-jwt strategy whose verification is the module's TokensService: jsonwebtoken has no
 * EdDSA and reads `Date.now()`, while every time rule here reads the module's clock.
 */
@Injectable()
export class JwtDevicesStrategy extends PassportStrategy(passportJwt.Strategy, JWT_DEVICES_STRATEGY) {
  private readonly extractToken: JwtFromRequestFunction;
  private readonly authCookie: string | undefined;

  constructor(
    @Inject(JWT_DEVICES_OPTIONS) options: ResolvedJwtDevicesOptions,
    private readonly authenticator: AccessTokenAuthenticator,
  ) {
    const jwtFromRequest = accessTokenExtractor(options);
    super({
      jwtFromRequest,
      // Never asked: authenticate() below replaces passport-jwt's own check, and only TokensService holds the keys.
      secretOrKeyProvider: (_request, _token, done) => done(new Error('JwtDevicesStrategy verifies tokens through TokensService')),
      passReqToCallback: true,
    });
    this.extractToken = jwtFromRequest;
    this.authCookie = options.authCookie;
  }

  override authenticate(request: Parameters<passportJwt.Strategy['authenticate']>[0]): void {
    this.authenticateRequest(request).then(
      // A refused token is a plain Passport failure, so even a bare AuthGuard('jwt-devices') answers 401.
      (user) => (user ? this.success(user) : this.fail('missing, malformed or refused access token', 401)),
      // A cross-site refusal is an answer (403), not a failure of the check, even under a bare AuthGuard.
      (error: unknown) => this.error(error instanceof CrossSiteRequestError ? toHttpError(error, 'unauthorized').exception : (error as Error)),
    );
  }

  /**
   * The whole check: the user, or false for a missing or refused token; throws only when the
   * check itself could not run (JwtDevicesUnavailableError) or the request may be cross-site
   * (CrossSiteRequestError). Passport's authenticate() and JwtDevicesAuthGuard both call it.
   */
  async authenticateRequest(request: object): Promise<JwtDevicesUser | false> {
    assertNotCrossSiteCookieRequest(request, this.authCookie);
    const token = this.extractToken(request);
    if (!token) return false;
    try {
      return await this.validate(request as Record<symbol, unknown>, token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return false;
      throw error;
    }
  }

  async validate(request: Record<symbol, unknown>, token: string): Promise<JwtDevicesUser> {
    const { user, device, claims } = await this.authenticator.authenticateToken(token);
    request[REQUEST_DEVICE] = device;
    request[REQUEST_CLAIMS] = claims;
    return user;
  }
}
