import { BadRequestException, Inject, Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { toHttpError } from '../errors/http-answers.js';
import { INVALID_ACCESS_TOKEN_MESSAGE, PERMANENT_TOKEN_HEADER_MESSAGE } from '../errors/messages.js';
import { setResponseHeaders } from '../platform/response-headers.js';
import { breaksPermanentTokenRule } from './permanent-token-header.rule.js';
import { JWT_DEVICES_STRATEGY } from '../jwt-devices.constants.js';
import { ALLOW_ANONYMOUS, JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { sentAccessToken } from './access-token.extractor.js';
import { JwtDevicesStrategy } from './jwt-devices.strategy.js';

/**
 * The user the strategy accepted, by request: module-private, so nothing else (an app's middleware
 * filling `request.user`, say) can make a later run of the guard skip the check.
 */
const authenticated = new WeakMap<object, unknown>();

/**
 * `@UseGuards(JwtDevicesAuthGuard)`, or app-wide as `APP_GUARD`: a valid access token of a live
 * device and an active user, except on routes marked `@AllowAnonymous()` (see `isPublic`).
 * Subclass it and override `handleRequest` or `challenge` to change what a failure answers.
 * It runs the `jwt-devices` strategy's check directly: Passport's per-request machinery
 * (a derived strategy object and closures per request) cost about as much as the check itself,
 * on a guard that runs on every request. `AuthGuard('jwt-devices')` gives the same user.
 */
@Injectable()
export class JwtDevicesAuthGuard extends AuthGuard(JWT_DEVICES_STRATEGY) {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) protected readonly jwtDevicesOptions: ResolvedJwtDevicesOptions,
    protected readonly reflector: Reflector,
    protected readonly strategy: JwtDevicesStrategy,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // On exempt routes the header rule is the global interceptor's, so `headerRules: false` keeps meaning off.
    if (this.isPublic(context)) return true;
    const request: unknown = this.getRequest(context);
    // Access tokens come in HTTP headers. Where getRequest finds no HTTP request (a WebSocket message, a
    // microservice call, GraphQL without a getRequest override), refuse quietly: the transport then
    // answers with its own "Forbidden resource".
    if (!hasHeaders(request)) return false;
    // As in drf-jwt-devices, the header rule answers before authentication does.
    if (this.jwtDevicesOptions.permanentTokenAuth && breaksPermanentTokenRule(context, this.reflector)) {
      throw new BadRequestException(PERMANENT_TOKEN_HEADER_MESSAGE);
    }
    let user: unknown = authenticated.get(request) ?? false;
    let error: unknown = null;
    // A global guard and a route's own guard both run on one request: the second reuses the first's reads.
    if (!user) {
      try {
        user = await this.strategy.authenticateRequest(request);
      } catch (failure) {
        error = failure;
      }
      if (!error && user) authenticated.set(request, user);
    }
    request.user = this.handleRequest(error, user, undefined, context);
    return true;
  }

  /**
   * Whether the route needs no access token: `@AllowAnonymous()` on the handler or its controller.
   * Override it to honour an app's own metadata as well, e.g. a `@Public()` of its own.
   */
  protected isPublic(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(ALLOW_ANONYMOUS, [context.getHandler(), context.getClass()]) === true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, _info: unknown, context: ExecutionContext): TUser {
    if (!error && user) return user;
    const { exception, headers } = error
      ? toHttpError(error, 'unauthorized')
      : { exception: new UnauthorizedException(INVALID_ACCESS_TOKEN_MESSAGE), headers: {} as Record<string, string> };
    const response = context.switchToHttp().getResponse();
    if (exception.getStatus() === 401) headers['WWW-Authenticate'] = this.challenge(context);
    setResponseHeaders(response, headers);
    throw exception;
  }

  /** The `WWW-Authenticate` value of a 401 (RFC 6750 §3). */
  protected challenge(context: ExecutionContext): string {
    const scheme = this.jwtDevicesOptions.authHeaderPrefixes[0];
    const request = context.switchToHttp().getRequest();
    const sent = sentAccessToken(request, this.jwtDevicesOptions.authCookie);
    return `${scheme} realm="api"${sent ? ', error="invalid_token"' : ''}`;
  }
}

/** An HTTP request of Express or Fastify, or what an app's getRequest override hands over: it has headers. */
function hasHeaders(request: unknown): request is Record<string, unknown> & { headers: object } {
  if (typeof request !== 'object' || request === null) return false;
  const { headers } = request as { headers?: unknown };
  return typeof headers === 'object' && headers !== null;
}
