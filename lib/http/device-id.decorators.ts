import { BadRequestException, createParamDecorator, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { parseDeviceId } from '../device-id.js';
import { DEVICE_NOT_FOUND_MESSAGE } from '../errors/messages.js';
import { DEVICE_ID_HEADER } from '../jwt-devices.constants.js';
import { readSingleHeader } from '../platform/request-headers.js';

/** The `Device-Id` header as a number; 400 when missing, repeated or not a canonical positive integer. */
export const DeviceIdHeader = createParamDecorator((_: unknown, context: ExecutionContext): number => {
  const value = readSingleHeader(context.switchToHttp().getRequest(), DEVICE_ID_HEADER);
  if (value === undefined || value === '') throw new BadRequestException('The Device-Id header is required.');
  if (value === null) throw new BadRequestException('The Device-Id header must be sent once.');
  const id = parseDeviceId(value);
  if (id === null) throw new BadRequestException('The Device-Id header must be a positive integer.');
  return id;
});

/**
 * `:id` of `/devices/:id`, read from the raw route params; anything but a canonical id names no
 * device, so 404. A custom decorator rather than `@Param`: a global `ValidationPipe({ transform: true })`
 * would turn `'05'` into 5 before any pipe of ours saw the text.
 */
export const DeviceIdParam = createParamDecorator((_: unknown, context: ExecutionContext): number => {
  const params = context.switchToHttp().getRequest<{ params?: Record<string, unknown> }>().params;
  const id = parseDeviceId(params?.id);
  if (id === null) throw new NotFoundException(DEVICE_NOT_FOUND_MESSAGE);
  return id;
});
