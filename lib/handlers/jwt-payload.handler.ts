import { Injectable } from '@nestjs/common';
import type { Device } from '../device.entity.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';

/** Claims of an access token, before `iat`, `exp`, `jti`, `orig_iat`, `iss` and `aud` are added. */
export type JwtClaims = Record<string, unknown>;

export interface JwtPayloadHandler {
  payload(user: JwtDevicesUser, device: Device | null): JwtClaims | Promise<JwtClaims>;
}

/** drf-jwt-devices' claims: `user_id`, `username`, `email` when set, `device_id` as a string. */
@Injectable()
export class DefaultJwtPayloadHandler implements JwtPayloadHandler {
  payload(user: JwtDevicesUser, device: Device | null): JwtClaims {
    const claims: JwtClaims = { user_id: user.id, username: user.username };
    if (user.email) claims.email = user.email;
    if (device) claims.device_id = String(device.id);
    return claims;
  }
}
