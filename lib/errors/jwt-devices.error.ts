import {
  CSRF_HEADER_MESSAGE,
  DEVICE_LIMIT_RACE_MESSAGE,
  INVALID_ACCESS_TOKEN_MESSAGE,
  INVALID_CREDENTIALS_MESSAGE,
  INVALID_PERMANENT_TOKEN_MESSAGE,
  JSON_LOGIN_MESSAGE,
  UNAVAILABLE_MESSAGE,
} from './messages.js';

/** The base of every error the module throws; `JwtDevicesErrorsFilter` catches it. */
export abstract class JwtDevicesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown at boot when the options are wrong; lists every problem at once. */
export class JwtDevicesConfigError extends JwtDevicesError {
  constructor(readonly problems: string[]) {
    super(`Invalid JwtDevicesModule options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** The database (or the app's user store) could not answer; nothing was decided. */
export class JwtDevicesUnavailableError extends JwtDevicesError {
  constructor(readonly causeName: string) {
    super(UNAVAILABLE_MESSAGE);
  }
}

/** A permanent token that does not open a live device, whatever the reason. */
export class InvalidPermanentTokenError extends JwtDevicesError {
  constructor(readonly reason: 'malformed' | 'unknown' | 'expired' | 'rotated' | 'reused' | 'user') {
    super(INVALID_PERMANENT_TOKEN_MESSAGE);
  }
}

/** An access token that does not authenticate, whatever the reason. */
export class InvalidAccessTokenError extends JwtDevicesError {
  constructor(readonly reason: string) {
    super(INVALID_ACCESS_TOKEN_MESSAGE);
  }
}

/** An access token whose `orig_iat` window has passed, or that has none. */
export class TokenRefreshError extends JwtDevicesError {}

/** Unknown user, wrong password and disabled user alike. */
export class InvalidCredentialsError extends JwtDevicesError {
  constructor() {
    super(INVALID_CREDENTIALS_MESSAGE);
  }
}

/** A login whose new device was pushed out at once by newer concurrent logins of the same user over `maxDevicesPerUser`. */
export class DeviceLimitRaceError extends JwtDevicesError {
  constructor() {
    super(DEVICE_LIMIT_RACE_MESSAGE);
  }
}

/**
 * With `authCookie`, a request a cross-site page could have sent: a login whose body is not JSON,
 * or a state-changing request authenticated by the cookie without the CSRF header.
 */
export class CrossSiteRequestError extends JwtDevicesError {
  constructor(readonly reason: 'login-body' | 'csrf-header') {
    super(reason === 'login-body' ? JSON_LOGIN_MESSAGE : CSRF_HEADER_MESSAGE);
  }
}
