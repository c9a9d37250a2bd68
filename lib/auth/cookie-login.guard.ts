import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { toHttpError } from '../errors/http-answers.js';
import { JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { assertJsonLogin } from './cookie-csrf.js';

/** On login: with `authCookie`, only a JSON body (see assertJsonLogin); without it, every body login accepts. */
@Injectable()
export class CookieLoginGuard implements CanActivate {
  constructor(@Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions) {}

  canActivate(context: ExecutionContext): boolean {
    try {
      assertJsonLogin(context.switchToHttp().getRequest(), this.options.authCookie);
    } catch (error) {
      throw toHttpError(error, 'bad-request').exception;
    }
    return true;
  }
}
