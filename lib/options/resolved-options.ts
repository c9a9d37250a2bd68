import type { JwtDevicesUserService } from '../jwt-devices-user.js';
import type { SigningKeys } from './key-policy.js';
import type { JwtAlgorithm, JwtDevicesInvalidationOptions } from './module-options.js';
import type { PermanentTokenKeys } from './permanent-token-keys.js';

/** Options after validation: durations in seconds, defaults applied; the keys travel apart (see ValidatedJwtDevicesOptions). */
export interface ResolvedJwtDevicesOptions {
  algorithm: JwtAlgorithm;
  accessTokenTtl: number;
  leeway: number;
  issuer?: string;
  audience?: string;
  authHeaderPrefixes: string[];
  authCookie?: string;
  allowRefresh: boolean;
  refreshExpirationDelta: number;
  permanentTokenAuth: boolean;
  permanentTokenExpirationDelta: number;
  permanentTokenExpirationAccuracy: number;
  permanentTokenMaxAge?: number;
  rotatePermanentTokens: boolean;
  rotationGracePeriod: number;
  deviceCacheTtl: number;
  userCacheTtl: number;
  invalidation?: JwtDevicesInvalidationOptions;
  maxDevicesPerUser?: number;
  usernameField: string;
  userIdType: 'number' | 'string';
  headerRules: boolean;
  storeClientAddress: boolean;
  userService: JwtDevicesUserService;
}

/** What `resolveOptions` returns: the options and the parsed keys, split apart by the module's providers. */
export type ValidatedJwtDevicesOptions = ResolvedJwtDevicesOptions & SigningKeys & { permanentTokenKeys: PermanentTokenKeys };
