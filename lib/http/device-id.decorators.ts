import { BadRequestException, createParamDecorator, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { DEVICE_ID_HEADER } from '../jwt-devices.constants.js';
import { readSingleHeader } from '../platform/request-headers.js';

const CANONICAL_ID = /^[1-9][0-9]{0,15}$/;
export const DEVICE_NOT_FOUND_MESSAGE = 'Device not found.';

/** A canonical positive decimal integer in the safe-integer range, or null. */
export function parseDeviceId(value: unknown): number | null {
  if (typeof value !== 'string' || !CANONICAL_ID.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}

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
