import { BadRequestException, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { toHttpError } from '../errors/http-answers.js';
import { INVALID_PERMANENT_TOKEN_MESSAGE } from '../errors/messages.js';
import { setResponseHeaders } from '../platform/response-headers.js';
import { PERMANENT_TOKEN_STRATEGY } from '../jwt-devices.constants.js';
import { PermanentTokenStrategy } from './permanent-token.strategy.js';

/**
 * `@UseGuards(PermanentTokenGuard)`: a `Permanent-Token` header of a live device; every failure is one 400.
 * Like JwtDevicesAuthGuard, it runs the `permanent-token` strategy's check without Passport's
 * per-request machinery; `AuthGuard('permanent-token')` gives the same user.
 */
@Injectable()
export class PermanentTokenGuard extends AuthGuard(PERMANENT_TOKEN_STRATEGY) {
  constructor(protected readonly strategy: PermanentTokenStrategy) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = this.getRequest(context) as Record<string | symbol, unknown>;
    let user: unknown = false;
    let error: unknown = null;
    try {
      user = await this.strategy.validate(request);
    } catch (failure) {
      error = failure;
    }
    request.user = this.handleRequest(error, user, undefined, context);
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, _info: unknown, context: ExecutionContext): TUser {
    if (!error && user) return user;
    if (!error) throw new BadRequestException(INVALID_PERMANENT_TOKEN_MESSAGE);
    const { exception, headers } = toHttpError(error, 'bad-request');
    setResponseHeaders(context.switchToHttp().getResponse(), headers);
    throw exception.getStatus() === 503 ? exception : new BadRequestException(INVALID_PERMANENT_TOKEN_MESSAGE);
  }
}
