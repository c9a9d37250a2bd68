import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { PERMANENT_TOKEN_HEADER } from '../jwt-devices.constants.js';
import { ALLOW_PERMANENT_TOKEN } from '../jwt-devices.internal-constants.js';
import { readHeader } from '../platform/request-headers.js';

/** §5: a non-empty `Permanent-Token` header is refused everywhere but where `@AllowPermanentToken()` says. */
export function breaksPermanentTokenRule(context: ExecutionContext, reflector: Reflector): boolean {
  if (context.getType() !== 'http') return false;
  const value = readHeader(context.switchToHttp().getRequest(), PERMANENT_TOKEN_HEADER);
  if (value === undefined || value === '') return false;
  return !reflector.getAllAndOverride<boolean>(ALLOW_PERMANENT_TOKEN, [context.getHandler(), context.getClass()]);
}
