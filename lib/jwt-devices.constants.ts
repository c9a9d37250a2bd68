/** Builds the access-token claims of a user on a device: {@link JwtPayloadHandler}. */
export const JWT_PAYLOAD_HANDLER = Symbol('JWT_PAYLOAD_HANDLER');
/** Builds the JSON body of login and device refresh: {@link JwtResponsePayloadHandler}. */
export const JWT_RESPONSE_PAYLOAD_HANDLER = Symbol('JWT_RESPONSE_PAYLOAD_HANDLER');
/** Names a new device from its login request: {@link DeviceDetailsHandler}. */
export const DEVICE_DETAILS_HANDLER = Symbol('DEVICE_DETAILS_HANDLER');
/** Reads the user id out of verified claims: {@link JwtUserIdReader}. */
export const JWT_USER_ID_READER = Symbol('JWT_USER_ID_READER');
/** Reads the username out of verified claims: {@link JwtUsernameReader}. */
export const JWT_USERNAME_READER = Symbol('JWT_USERNAME_READER');
/** The one clock every time rule reads: {@link JwtDevicesClock}. */
export const JWT_DEVICES_CLOCK = Symbol('JWT_DEVICES_CLOCK');

/** Passport strategy names; never `jwt`, which apps keep for their own strategies. */
export const JWT_DEVICES_STRATEGY = 'jwt-devices';
export const PERMANENT_TOKEN_STRATEGY = 'permanent-token';

export const PERMANENT_TOKEN_HEADER = 'permanent-token';
export const DEVICE_ID_HEADER = 'device-id';
export const DEVICE_MODEL_HEADER = 'x-device-model';

/**
 * The header a cookie-authenticated request that changes state must carry, with any non-empty
 * value (jQuery sends `X-Requested-With: XMLHttpRequest` by itself). A cross-site HTML form cannot
 * add a header, and a cross-site script can only after a CORS preflight that the app allowed.
 */
export const CSRF_HEADER = 'X-Requested-With';

/** Receives the session events (login, refresh, reuse, logout, revocations, purges): {@link SessionEventsListener}. */
export const SESSION_EVENTS_LISTENER = Symbol('SESSION_EVENTS_LISTENER');
