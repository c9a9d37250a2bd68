import { Injectable } from '@nestjs/common';
import { DEVICE_MODEL_HEADER } from '../jwt-devices.constants.js';
import { readHeader } from '../platform/request-headers.js';

export interface DeviceDescription {
  name: string;
  details: string;
}

export interface DeviceDetailsHandler {
  /** `request` is the Express or Fastify request of the login. */
  details(request: unknown): DeviceDescription | Promise<DeviceDescription>;
}

/** As drf-jwt-devices: `X-Device-Model` names the device and `User-Agent` details it; else `User-Agent` names it. */
@Injectable()
export class DefaultDeviceDetailsHandler implements DeviceDetailsHandler {
  details(request: unknown): DeviceDescription {
    const model = readHeader(request, DEVICE_MODEL_HEADER) ?? '';
    const userAgent = readHeader(request, 'user-agent') ?? '';
    return model.trim() !== '' ? { name: model, details: userAgent } : { name: userAgent, details: '' };
  }
}
