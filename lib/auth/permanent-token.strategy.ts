import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passportCustom from 'passport-custom';
import { DevicesService } from '../devices.service.js';
import { InvalidPermanentTokenError } from '../errors/jwt-devices.error.js';
import { clientAddress } from '../platform/client-address.js';
import { readSingleHeader } from '../platform/request-headers.js';
import { PERMANENT_TOKEN_HEADER, PERMANENT_TOKEN_STRATEGY } from '../jwt-devices.constants.js';
import { JWT_DEVICES_OPTIONS, REQUEST_DEVICE } from '../jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { UsersGateway } from '../users.gateway.js';

/** Authenticates the `Permanent-Token` header: a live device of an active user. */
@Injectable()
export class PermanentTokenStrategy extends PassportStrategy(passportCustom.Strategy, PERMANENT_TOKEN_STRATEGY) {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    private readonly devices: DevicesService,
    private readonly users: UsersGateway,
  ) {
    super();
  }

  /**
   * The user, or false for any refused token (a plain Passport failure, so even a bare
   * AuthGuard('permanent-token') answers 4xx); throws only when the check could not run.
   */
  async validate(request: Record<symbol, unknown>): Promise<JwtDevicesUser | false> {
    try {
      return await this.check(request);
    } catch (error) {
      if (error instanceof InvalidPermanentTokenError) return false;
      throw error;
    }
  }

  private async check(request: Record<symbol, unknown>): Promise<JwtDevicesUser> {
    if (!this.options.permanentTokenAuth) throw new InvalidPermanentTokenError('malformed');
    const token = readSingleHeader(request, PERMANENT_TOKEN_HEADER);
    if (!token) throw new InvalidPermanentTokenError('malformed');
    const device = await this.devices.findByPermanentToken(token, { ip: clientAddress(request) });
    const user = await this.users.findActive(this.devices.ownerId(device));
    if (!user) throw new InvalidPermanentTokenError('user');
    request[REQUEST_DEVICE] = device;
    return user;
  }
}
