/** Thrown at boot when the options are wrong; lists every problem at once. */
export class JwtDevicesConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid JwtDevicesModule options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'JwtDevicesConfigError';
  }
}

/** The database (or the app's user store) could not answer; nothing was decided. */
export class JwtDevicesUnavailableError extends Error {
  constructor(readonly causeName: string) {
    super('The authentication store is unavailable.');
    this.name = 'JwtDevicesUnavailableError';
  }
}

/** A permanent token that does not open a live device, whatever the reason. */
export class InvalidPermanentTokenError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown' | 'expired' | 'rotated' | 'reused' | 'user') {
    super('Invalid permanent token.');
    this.name = 'InvalidPermanentTokenError';
  }
}

/** An access token that does not authenticate, whatever the reason. */
export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: string) {
    super('Invalid access token.');
    this.name = 'InvalidAccessTokenError';
  }
}

/** An access token whose `orig_iat` window has passed, or that has none. */
export class TokenRefreshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRefreshError';
  }
}

/** Unknown user, wrong password and disabled user alike. */
export class InvalidCredentialsError extends Error {
  constructor() {
    super('Unable to log in with provided credentials.');
    this.name = 'InvalidCredentialsError';
  }
}

/** A login whose new device was pushed out at once by newer concurrent logins of the same user over `maxDevicesPerUser`. */
export class DeviceLimitRaceError extends Error {
  constructor() {
    super('Newer logins of this account took every device slot; log in again.');
    this.name = 'DeviceLimitRaceError';
  }
}

/**
 * With `authCookie`, a request a cross-site page could have sent: a login whose body is not JSON,
 * or a state-changing request authenticated by the cookie without the CSRF header.
 */
export class CrossSiteRequestError extends Error {
  constructor(readonly reason: 'login-body' | 'csrf-header') {
    super('Refused a request that may come from another site.');
    this.name = 'CrossSiteRequestError';
  }
}
