/** The names the module emits its session events under, for `@OnEvent(JwtDevicesEvents.login)`. */
export const JwtDevicesEvents = {
  login: 'jwt-devices.login',
  refresh: 'jwt-devices.refresh',
  reuseDetected: 'jwt-devices.reuse-detected',
  logout: 'jwt-devices.logout',
  deviceRevoked: 'jwt-devices.device-revoked',
  userDevicesRevoked: 'jwt-devices.user-devices-revoked',
  devicesPurged: 'jwt-devices.devices-purged',
} as const;

/**
 * Why a device was revoked by someone other than itself: the user's own request (`DELETE /devices/:id`
 * or `/device-logout` naming another device), `POST /devices/logout-others`, `maxDevicesPerUser` at a
 * login, the app's own call to `DevicesService.revoke`, or the reuse of a rotated-away permanent token.
 */
export type DeviceRevokedReason = 'user' | 'logout-others' | 'device-cap' | 'app' | 'reuse';

/** Where a change came from: the client's address (`request.ip`) when a request made it. */
export interface SessionEventOrigin {
  ip?: string;
}

/** What every event carries; never a token or a token hash. */
export interface SessionEventBase extends SessionEventOrigin {
  /** The user's id, typed as `userIdType` says. */
  userId: string | number;
  /** When it happened, by the module's clock. */
  at: Date;
}

export interface DeviceEventBase extends SessionEventBase {
  deviceId: number;
  deviceName: string;
}

/** A login; the device fields are null when `permanentTokenAuth` is off. */
export interface LoginEvent extends SessionEventBase {
  deviceId: number | null;
  deviceName: string | null;
}

/** A device traded its permanent token for a new access token. */
export interface RefreshEvent extends DeviceEventBase {
  /** True when the permanent token was rotated. */
  rotated: boolean;
}

/** A rotated-away permanent token came back after the grace period: likely theft; the device is revoked. */
export type ReuseDetectedEvent = DeviceEventBase;

/** A device logged itself out (`DELETE /device-logout` or `/devices/:id` naming the caller's device). */
export type LogoutEvent = DeviceEventBase;

export interface DeviceRevokedEvent extends DeviceEventBase {
  reason: DeviceRevokedReason;
}

/** `DevicesService.revokeAllForUser` logged these devices out. */
export interface UserDevicesRevokedEvent extends SessionEventBase {
  deviceIds: number[];
}

/** `DevicesService.purgeExpired` deleted this many expired devices. */
export interface DevicesPurgedEvent {
  count: number;
  at: Date;
}

export interface SessionEventPayloads {
  [JwtDevicesEvents.login]: LoginEvent;
  [JwtDevicesEvents.refresh]: RefreshEvent;
  [JwtDevicesEvents.reuseDetected]: ReuseDetectedEvent;
  [JwtDevicesEvents.logout]: LogoutEvent;
  [JwtDevicesEvents.deviceRevoked]: DeviceRevokedEvent;
  [JwtDevicesEvents.userDevicesRevoked]: UserDevicesRevokedEvent;
  [JwtDevicesEvents.devicesPurged]: DevicesPurgedEvent;
}

export type SessionEventName = keyof SessionEventPayloads;

/** One event with its name, so `switch (event.name)` narrows the payload. */
export type SessionEvent = { [N in SessionEventName]: { name: N; payload: SessionEventPayloads[N] } }[SessionEventName];

/**
 * Receives every session event after its change is stored. Not awaited: the request never waits on
 * it, and a throw or a rejection is logged, never answered to the client.
 */
export interface SessionEventsListener {
  handle(event: SessionEvent): void | Promise<unknown>;
}
