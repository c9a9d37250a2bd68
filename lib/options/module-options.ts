import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';
import type { JwtModuleOptions } from '@nestjs/jwt';
import type { DeviceInvalidationBus } from '../invalidation/device-invalidation-bus.js';
import type { JwtDevicesUserService } from '../jwt-devices-user.js';

/** Seconds as a number, or a string such as `'90s'`, `'30m'`, `'12h'`, `'7d'`. */
export type Duration = number | string;

/** What @nestjs/jwt (jsonwebtoken 9) signs and verifies; it has no EdDSA. */
export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface JwtDevicesRedisInvalidationOptions {
  /** `redis://` or `rediss://` URL of the Redis server every instance of the app shares. */
  url: string;
  /** The pub/sub channel, default `jwt-devices:revoked`; apps with separate device tables on one Redis use one each. */
  channel?: string;
}

export interface JwtDevicesPostgresInvalidationOptions {
  /** The LISTEN/NOTIFY channel, default `jwt-devices:revoked`. */
  channel?: string;
}

/** How instances tell each other about revoked devices, so `deviceCacheTtl` can be on without serving them. */
export type JwtDevicesInvalidationOptions =
  | { redis: JwtDevicesRedisInvalidationOptions }
  | { postgres: true | JwtDevicesPostgresInvalidationOptions }
  | { bus: DeviceInvalidationBus };

export interface JwtDevicesRoutesOptions {
  /** Path prefix of the built-in controllers, e.g. `'api/auth'`. */
  prefix?: string;
}

/** Options that shape the module's providers and routes, so they are given statically. */
export interface JwtDevicesStaticOptions {
  /** `false` mounts none of the built-in controllers. */
  routes?: JwtDevicesRoutesOptions | false;
  /** Replacements of the default handlers: `{ provide: JWT_PAYLOAD_HANDLER, useClass: ... }`. */
  providers?: Provider[];
  /**
   * Default `true`: the module's exports (guards' dependencies, services, handler tokens) reach every
   * module of the app. `false`: only modules that import JwtDevicesModule can use them.
   */
  isGlobal?: boolean;
}

export interface JwtDevicesModuleOptions extends JwtDevicesStaticOptions {
  secret?: string | Buffer;
  privateKey?: string | Buffer;
  publicKey?: string | Buffer;
  /**
   * The app's own `JwtModule` configuration, in place of `secret`/`privateKey`/`publicKey`,
   * `algorithm`, `accessTokenTtl`, `leeway`, `issuer` and `audience`.
   */
  jwtModuleOptions?: JwtModuleOptions;
  /**
   * Keys of the permanent tokens' MAC, each at least 32 bytes: the first signs, every one verifies.
   * Default: derived from `secret` (or `privateKey`). To rotate, put the new key first and keep the
   * old one until the tokens it signed have expired.
   */
  permanentTokenSecrets?: Array<string | Buffer>;
  algorithm?: JwtAlgorithm;
  accessTokenTtl?: Duration;
  leeway?: Duration;
  issuer?: string;
  audience?: string;
  authHeaderPrefixes?: string[];
  authCookie?: string;
  allowRefresh?: boolean;
  refreshExpirationDelta?: Duration;
  permanentTokenAuth?: boolean;
  permanentTokenExpirationDelta?: Duration;
  permanentTokenExpirationAccuracy?: Duration;
  permanentTokenMaxAge?: Duration;
  rotatePermanentTokens?: boolean;
  rotationGracePeriod?: Duration;
  deviceCacheTtl?: Duration;
  /**
   * How long a user found active by `userService.findById` is trusted without asking again, kept with
   * its device's cache entry (so it needs `deviceCacheTtl`, and any revocation of the device drops it).
   * Default 0: asked on every request. A user disabled without `revokeAllForUser` keeps access this long.
   */
  userCacheTtl?: Duration;
  /** Push invalidation of the device cache across instances; see docs/push-invalidation.md. */
  invalidation?: JwtDevicesInvalidationOptions;
  maxDevicesPerUser?: number;
  usernameField?: string;
  /** How user ids are typed when read back from the `Device` table. */
  userIdType?: 'number' | 'string';
  headerRules?: boolean;
  /** Keep the client's address (as the app's `trust proxy` setting computes it) at login and refresh, and list it in `GET /devices`. */
  storeClientAddress?: boolean;
  userService: JwtDevicesUserService;
}

/** What `useFactory`, `useClass` and `useExisting` produce in `forRootAsync`. */
export type JwtDevicesRuntimeOptions = Omit<JwtDevicesModuleOptions, keyof JwtDevicesStaticOptions>;

export interface JwtDevicesOptionsFactory {
  createJwtDevicesOptions(): Promise<JwtDevicesRuntimeOptions> | JwtDevicesRuntimeOptions;
}

export interface JwtDevicesModuleAsyncOptions extends JwtDevicesStaticOptions, Pick<ModuleMetadata, 'imports'> {
  useFactory?: (...args: any[]) => Promise<JwtDevicesRuntimeOptions> | JwtDevicesRuntimeOptions;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: Type<JwtDevicesOptionsFactory>;
  useExisting?: Type<JwtDevicesOptionsFactory>;
}
