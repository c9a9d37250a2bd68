import {
  BadRequestException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { PERMANENT_TOKEN_HEADER_MESSAGE } from '../errors/messages.js';
import { breaksPermanentTokenRule } from '../auth/permanent-token-header.rule.js';

/** Installed globally: refuses the `Permanent-Token` header before any handler but the refresh route runs. */
@Injectable()
export class PermanentTokenHeaderInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (breaksPermanentTokenRule(context, this.reflector)) throw new BadRequestException(PERMANENT_TOKEN_HEADER_MESSAGE);
    return next.handle();
  }
}

/** What the global slot holds when the rule is switched off, so async options can turn it off. */
export class NoopInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}
