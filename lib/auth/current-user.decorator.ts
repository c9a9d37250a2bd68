import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The user that `JwtDevicesAuthGuard` or `PermanentTokenGuard` authenticated. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<{ user?: unknown }>().user ?? null;
});
