import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenAuthenticator } from './access-token.authenticator.js';
import type { Device } from './device.entity.js';
import { DevicesService } from './devices.service.js';
import { InvalidCredentialsError, TokenRefreshError } from './errors/jwt-devices.error.js';
import { SessionEventsEmitter } from './events/session-events.emitter.js';
import { JwtDevicesEvents } from './events/session-events.js';
import { ORIG_IAT_REQUIRED_MESSAGE, REFRESH_DISABLED_MESSAGE, REFRESH_EXPIRED_MESSAGE } from './errors/messages.js';
import type { DeviceDetailsHandler } from './handlers/device-details.handler.js';
import type { JwtResponsePayloadHandler } from './handlers/jwt-response-payload.handler.js';
import type { JwtDevicesClock } from './clock.js';
import { DEVICE_DETAILS_HANDLER, JWT_DEVICES_CLOCK, JWT_RESPONSE_PAYLOAD_HANDLER } from './jwt-devices.constants.js';
import { JWT_DEVICES_OPTIONS } from './jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from './options/resolved-options.js';
import { clientAddress } from './platform/client-address.js';
import { TokensService } from './tokens.service.js';
import { UsersGateway } from './users.gateway.js';

/** The JSON body of a login or refresh, and the access token in it (for the auth cookie). */
export interface SessionResult {
  body: object;
  accessToken: string;
}

/** What the built-in endpoints do, for apps that want to call it from their own routes. */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
    @Inject(DEVICE_DETAILS_HANDLER) private readonly detailsHandler: DeviceDetailsHandler,
    @Inject(JWT_RESPONSE_PAYLOAD_HANDLER) private readonly responseHandler: JwtResponsePayloadHandler,
    private readonly tokens: TokensService,
    private readonly devices: DevicesService,
    private readonly users: UsersGateway,
    private readonly authenticator: AccessTokenAuthenticator,
    private readonly events: SessionEventsEmitter,
  ) {}

  /** Checks credentials; on success makes a device (unless permanent tokens are off) and the login body. */
  async login(username: string, password: string, request: unknown): Promise<SessionResult> {
    const user = await this.users.validateCredentials(username, password);
    if (!user) throw new InvalidCredentialsError();
    return this.startSession(user, request);
  }

  /** Logs an already-authenticated user in on a new device, e.g. after a social login. */
  async startSession(user: JwtDevicesUser, request: unknown): Promise<SessionResult> {
    if (!this.options.permanentTokenAuth) {
      const token = await this.tokens.issueAccessToken(user, null);
      const body = await this.responseHandler.response({ kind: 'login', token, user, device: null, request });
      this.events.emit(JwtDevicesEvents.login, { userId: user.id, deviceId: null, deviceName: null, ip: clientAddress(request) });
      return { body, accessToken: token };
    }
    const description = await this.detailsHandler.details(request);
    const ip = clientAddress(request);
    const { device, permanentToken } = await this.devices.create(user, description, { ip });
    const token = await this.tokens.issueAccessToken(user, device);
    const body = await this.responseHandler.response({ kind: 'login', token, permanentToken, user, device, request });
    this.events.emit(JwtDevicesEvents.login, { userId: user.id, deviceId: device.id, deviceName: device.name, ip });
    return { body, accessToken: token };
  }

  /** A device trades its permanent token for a new access token (and, with rotation, a new permanent token). */
  async refreshDevice(user: JwtDevicesUser, device: Device, request: unknown): Promise<SessionResult> {
    const refreshed = await this.devices.refresh(device, { ip: clientAddress(request) });
    const token = await this.tokens.issueAccessToken(user, refreshed.device);
    const body = await this.responseHandler.response({
      kind: 'refresh',
      token,
      permanentToken: refreshed.permanentToken,
      user,
      device: refreshed.device,
      request,
    });
    this.events.emit(JwtDevicesEvents.refresh, {
      userId: user.id,
      deviceId: refreshed.device.id,
      deviceName: refreshed.device.name,
      rotated: refreshed.permanentToken !== undefined,
      ip: clientAddress(request),
    });
    return { body, accessToken: token };
  }

  /** djangorestframework-jwt's refresh: a new `exp` for an unexpired token, bounded by `orig_iat`. */
  async refreshAccessToken(token: string): Promise<{ token: string }> {
    if (!this.options.allowRefresh) throw new TokenRefreshError(REFRESH_DISABLED_MESSAGE);
    const { claims } = await this.authenticator.authenticateToken(token);
    const origIat = claims.orig_iat;
    if (typeof origIat !== 'number' || !Number.isFinite(origIat)) throw new TokenRefreshError(ORIG_IAT_REQUIRED_MESSAGE);
    const nowSeconds = this.clock.now().getTime() / 1000;
    if (nowSeconds > origIat + this.options.refreshExpirationDelta) throw new TokenRefreshError(REFRESH_EXPIRED_MESSAGE);
    return { token: this.tokens.reissue(claims, origIat) };
  }

  /** Answers whether a token would authenticate now: signature, times, device and user. */
  async verifyAccessToken(token: string): Promise<{ token: string }> {
    await this.authenticator.authenticateToken(token);
    return { token };
  }
}
