import { Injectable } from '@nestjs/common';
import type { Device } from '../device.entity.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';

export interface JwtResponseContext {
  /** `login` for `POST /auth-token`, `refresh` for `POST /device-refresh-token`. */
  kind: 'login' | 'refresh';
  token: string;
  /** Set on login and on a refresh that rotated the permanent token. */
  permanentToken?: string;
  user: JwtDevicesUser;
  device: Device | null;
  /** The Express or Fastify request. */
  request: unknown;
}

export interface JwtResponsePayloadHandler {
  response(context: JwtResponseContext): object | Promise<object>;
}

/** drf-jwt-devices' bodies: `{ token, permanent_token, device_id }` on login, `{ token, permanent_token? }` on refresh. */
@Injectable()
export class DefaultJwtResponsePayloadHandler implements JwtResponsePayloadHandler {
  response({ kind, token, permanentToken, device }: JwtResponseContext): object {
    const body: Record<string, unknown> = { token };
    if (permanentToken !== undefined) body.permanent_token = permanentToken;
    if (kind === 'login' && device) body.device_id = device.id;
    return body;
  }
}
