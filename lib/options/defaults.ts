import type { Duration, JwtAlgorithm } from './module-options.js';

export const DAY = 24 * 60 * 60;

/** The defaults, in one place. */
export class JwtDevicesDefaults {
  algorithm: JwtAlgorithm = 'HS256';
  accessTokenTtl: Duration = 300;
  leeway: Duration = 0;
  authHeaderPrefixes = ['Bearer'];
  allowRefresh = false;
  refreshExpirationDelta: Duration = 7 * DAY;
  permanentTokenAuth = true;
  permanentTokenExpirationDelta: Duration = 7 * DAY;
  permanentTokenExpirationAccuracy: Duration = 30 * 60;
  rotatePermanentTokens = true;
  rotationGracePeriod: Duration = 10;
  deviceCacheTtl: Duration = 0;
  userCacheTtl: Duration = 0;
  usernameField = 'username';
  userIdType: 'number' | 'string' = 'number';
  headerRules = true;
  storeClientAddress = false;
}
