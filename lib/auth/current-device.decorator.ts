import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Device } from '../device.entity.js';
import { REQUEST_DEVICE } from '../jwt-devices.internal-constants.js';

/** The `Device` the request authenticated with; null when permanent tokens are off. */
export const CurrentDevice = createParamDecorator((_: unknown, context: ExecutionContext): Device | null => {
  const request = context.switchToHttp().getRequest<Record<symbol, Device | null | undefined>>();
  return request[REQUEST_DEVICE] ?? null;
});
