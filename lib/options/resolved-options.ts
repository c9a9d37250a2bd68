import type { KeyObject } from 'node:crypto';
import type { JwtDevicesUserService } from '../jwt-devices-user.js';
import type { JwtAlgorithm } from './module-options.js';

/** Options after validation: durations in seconds, keys parsed, defaults applied. */
export interface ResolvedJwtDevicesOptions {
  algorithm: JwtAlgorithm;
  signingKey: KeyObject;
  verificationKey: KeyObject;
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
  maxDevicesPerUser?: number;
  usernameField: string;
  userIdType: 'number' | 'string';
  headerRules: boolean;
  userService: JwtDevicesUserService;
}
