import { HttpException, HttpStatus, Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { throttledRouteOf, type ThrottledRoutes } from './throttled-routes.js';
import { usernameTracker } from './username-tracker.js';

export const IP_THROTTLER = 'ip';
export const USERNAME_THROTTLER = 'username';
export const THROTTLED_ROUTES = Symbol('THROTTLED_ROUTES');
export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests; try again later.';

/**
 * Rate-limits login, device refresh and sign-up only: per client IP on all three, and on login
 * also per username, so one account cannot be guessed at from many addresses. Each route has its
 * own quota; sign-up is limited because every call costs one scrypt and one row.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(THROTTLED_ROUTES) private readonly routes: ThrottledRoutes,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return throttledRouteOf(context.switchToHttp().getRequest(), this.routes) === undefined;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    if (request.throttler.name !== USERNAME_THROTTLER) return super.handleRequest(request);
    const httpRequest = request.context.switchToHttp().getRequest<{ body?: unknown }>();
    if (throttledRouteOf(httpRequest, this.routes) !== 'login') return true;
    const username = usernameTracker(httpRequest.body, this.routes.usernameField);
    // A body without a username is refused by login itself; the IP limit still counts it.
    if (username === undefined) return true;
    return super.handleRequest({ ...request, getTracker: () => username });
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // The base guard names the header after the throttler (Retry-After-ip); clients look for the standard one.
    this.setResponseHeader(context.switchToHttp().getResponse(), 'Retry-After', detail.timeToBlockExpire);
    // Nest's { statusCode, message, error } shape; ThrottlerException sends no `error` and names its class.
    const status = HttpStatus.TOO_MANY_REQUESTS;
    throw new HttpException(HttpException.createBody(TOO_MANY_REQUESTS_MESSAGE, 'Too Many Requests', status), status);
  }
}
