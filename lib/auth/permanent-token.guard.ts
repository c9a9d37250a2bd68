import { BadRequestException, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { INVALID_PERMANENT_TOKEN_MESSAGE, setResponseHeaders, toHttpError } from '../http/http-errors.js';
import { PERMANENT_TOKEN_STRATEGY } from '../jwt-devices.constants.js';

/** `@UseGuards(PermanentTokenGuard)`: a `Permanent-Token` header of a live device; every failure is one 400. */
@Injectable()
export class PermanentTokenGuard extends AuthGuard(PERMANENT_TOKEN_STRATEGY) {
  override handleRequest<TUser>(error: unknown, user: TUser | false, _info: unknown, context: ExecutionContext): TUser {
    if (!error && user) return user;
    if (!error) throw new BadRequestException(INVALID_PERMANENT_TOKEN_MESSAGE);
    const { exception, headers } = toHttpError(error, 'bad-request');
    setResponseHeaders(context.switchToHttp().getResponse(), headers);
    throw exception.getStatus() === 503 ? exception : new BadRequestException(INVALID_PERMANENT_TOKEN_MESSAGE);
  }
}
