import { Inject, Injectable } from '@nestjs/common';
import type { JwtDevicesClock } from './clock.js';
import { parseDeviceId } from './device-id.js';
import type { Device } from './device.entity.js';
import { DevicesService } from './devices.service.js';
import { InvalidAccessTokenError } from './errors/jwt-devices.error.js';
import type { JwtUserIdReader, JwtUsernameReader } from './handlers/claims-readers.js';
import type { JwtClaims } from './handlers/jwt-payload.handler.js';
import { JWT_DEVICES_CLOCK, JWT_USER_ID_READER, JWT_USERNAME_READER } from './jwt-devices.constants.js';
import { JWT_DEVICES_OPTIONS } from './jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from './options/resolved-options.js';
import { DeviceStore } from './store/device-store.js';
import { TokensService } from './tokens.service.js';
import { UsersGateway } from './users.gateway.js';

export interface AccessIdentity {
  user: JwtDevicesUser;
  device: Device | null;
  claims: JwtClaims;
}

/** From verified claims to a live device and an active user, or an InvalidAccessTokenError. */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    @Inject(JWT_USER_ID_READER) private readonly userIdReader: JwtUserIdReader,
    @Inject(JWT_USERNAME_READER) private readonly usernameReader: JwtUsernameReader,
    private readonly tokens: TokensService,
    private readonly devices: DevicesService,
    private readonly users: UsersGateway,
    private readonly store: DeviceStore,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
  ) {}

  /** Verifies a raw token, then its device and user. */
  async authenticateToken(token: string): Promise<AccessIdentity> {
    return this.authenticateClaims(this.tokens.verifyAccessToken(token));
  }

  /** Checks claims whose signature is already verified. */
  async authenticateClaims(claims: JwtClaims): Promise<AccessIdentity> {
    const userId = this.userIdReader.userId(claims);
    if (!isUserId(userId)) throw new InvalidAccessTokenError('user_id');
    const username = this.usernameReader.username(claims);
    let device: Device | null = null;
    if (this.options.permanentTokenAuth) {
      // `device_id` is a string claim, as in drf-jwt-devices.
      const deviceId = parseDeviceId(claims.device_id);
      if (deviceId === null) throw new InvalidAccessTokenError('device_id');
      device = await this.devices.findLiveDevice(deviceId, userId);
      if (!device) throw new InvalidAccessTokenError('device');
    }
    const user = device ? await this.activeUserOf(device, userId) : await this.users.findActive(userId);
    if (!user) throw new InvalidAccessTokenError('user');
    if (username !== undefined && username !== user.username) throw new InvalidAccessTokenError('username');
    return { user, device, claims };
  }

  /**
   * The device's user, active: with `userCacheTtl`, kept with the device's cache entry, so that any
   * revocation of the device drops it too. Each request gets its own shallow copy, so a handler that
   * writes to `request.user` never changes another request's.
   */
  private async activeUserOf(device: Device, userId: string | number): Promise<JwtDevicesUser | null> {
    if (this.options.userCacheTtl === 0) return this.users.findActive(userId);
    const nowMs = this.clock.now().getTime();
    const cached = this.store.cachedUser(device.id, nowMs) as JwtDevicesUser | undefined;
    if (cached) return shallowCopy(cached);
    const ticket = this.store.cacheTicket;
    const user = await this.users.findActive(userId);
    if (user) this.store.rememberUser(device.id, shallowCopy(user), nowMs, ticket);
    return user;
  }
}

function shallowCopy<T extends object>(value: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as T, value);
}


function isUserId(value: unknown): value is string | number {
  return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && value.length > 0 && value.length <= 64);
}
