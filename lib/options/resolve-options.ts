import type { KeyObject } from 'node:crypto';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';
import { JwtDevicesConfigError } from '../errors/jwt-devices.error.js';
import { resolveKeys } from './key-policy.js';

/** Seconds as a number, or a string such as `'90s'`, `'30m'`, `'12h'`, `'7d'`. */
export type Duration = number | string;

export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** What the module needs to know of the app's users. */
export interface JwtDevicesUser {
  id: number | string;
  username: string;
  email?: string | null;
  /** `false` means disabled: no login, no refresh, no authenticated request. */
  isActive?: boolean;
}

/** The app's users. Password hashing is the app's: see README, "Users". */
export interface JwtDevicesUserService<U extends JwtDevicesUser = JwtDevicesUser> {
  validateCredentials(username: string, password: string): Promise<U | null> | U | null;
  findById(id: U['id']): Promise<U | null> | U | null;
}

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
}

export interface JwtDevicesModuleOptions extends JwtDevicesStaticOptions {
  secret?: string | Buffer;
  privateKey?: string | Buffer;
  publicKey?: string | Buffer;
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
  maxDevicesPerUser?: number;
  usernameField?: string;
  /** How user ids are typed when read back from the `Device` table. */
  userIdType?: 'number' | 'string';
  headerRules?: boolean;
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

const DAY = 24 * 60 * 60;

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
  usernameField = 'username';
  userIdType: 'number' | 'string' = 'number';
  headerRules = true;
}

export const MAX_LEEWAY_SECONDS = 120;

const KNOWN_OPTIONS = new Set<string>([
  'secret', 'privateKey', 'publicKey', 'algorithm', 'accessTokenTtl', 'leeway', 'issuer', 'audience',
  'authHeaderPrefixes', 'authCookie', 'allowRefresh', 'refreshExpirationDelta', 'permanentTokenAuth',
  'permanentTokenExpirationDelta', 'permanentTokenExpirationAccuracy', 'permanentTokenMaxAge',
  'rotatePermanentTokens', 'rotationGracePeriod', 'deviceCacheTtl', 'maxDevicesPerUser', 'usernameField',
  'userIdType', 'headerRules', 'userService', 'routes', 'providers',
]);

const STATIC_OPTIONS = new Set<string>(['routes', 'providers']);

/** Checks the options that `forRoot`/`forRootAsync` need before the app boots. */
export function checkStaticOptions(options: JwtDevicesStaticOptions | undefined): string[] {
  if (typeof options !== 'object' || options === null) return ['options: an object is required'];
  const problems: string[] = [];
  const { routes, providers } = options;
  if (routes !== undefined && routes !== false) {
    const prefix = (routes as JwtDevicesRoutesOptions | null)?.prefix;
    if (typeof routes !== 'object' || routes === null || (prefix !== undefined && typeof prefix !== 'string')) {
      problems.push('routes: must be false or { prefix?: string }');
    }
  }
  if (providers !== undefined && !Array.isArray(providers)) problems.push('providers: must be an array of providers');
  return problems;
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 60 * 60, d: DAY, w: 7 * DAY };
const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/;
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a duration into seconds, or returns an error text. */
export function parseDuration(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : 'must be a non-negative number of seconds';
  }
  if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value);
    if (match) return Number(match[1]) * DURATION_UNITS[match[2] ?? 's'];
  }
  return `must be seconds or a string such as '30m' or '7d' (got ${describe(value)})`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

/** Validates raw options once, at boot; throws one error that lists every problem. */
export function resolveOptions(
  raw: Partial<JwtDevicesModuleOptions> | undefined,
  source: 'forRoot' | 'forRootAsync' = 'forRoot',
): ResolvedJwtDevicesOptions {
  const problems: string[] = [];
  const user = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(user)) {
    if (!KNOWN_OPTIONS.has(key)) problems.push(`${key}: unknown option`);
    else if (STATIC_OPTIONS.has(key) && source === 'forRootAsync' && user[key] !== undefined) {
      problems.push(`${key}: shapes the module's routes and providers, so give it to forRootAsync() itself, not from its factory`);
    }
  }
  const o = { ...new JwtDevicesDefaults(), ...stripUndefined(user) } as Record<string, unknown>;

  const duration = (name: string, { optional = false, positive = false } = {}): number | undefined => {
    if (optional && o[name] === undefined) return undefined;
    const parsed = parseDuration(o[name]);
    if (typeof parsed === 'string') {
      problems.push(`${name}: ${parsed}`);
      return undefined;
    }
    if (positive && parsed <= 0) problems.push(`${name}: must be greater than zero`);
    return parsed;
  };
  const boolean = (name: string): boolean => {
    if (typeof o[name] !== 'boolean') problems.push(`${name}: must be true or false (got ${describe(o[name])})`);
    return o[name] === true;
  };
  const optionalString = (name: string): string | undefined => {
    if (o[name] === undefined) return undefined;
    if (typeof o[name] !== 'string' || (o[name] as string).length === 0) {
      problems.push(`${name}: must be a non-empty string`);
      return undefined;
    }
    return o[name] as string;
  };

  const algorithm = o.algorithm as JwtAlgorithm;
  if (!JWT_ALGORITHMS.includes(algorithm)) {
    problems.push(`algorithm: must be one of ${JWT_ALGORITHMS.join(', ')} (got ${describe(algorithm)})`);
  }
  const keys = JWT_ALGORITHMS.includes(algorithm) ? resolveKeys(o, algorithm, problems) : undefined;

  const accessTokenTtl = duration('accessTokenTtl', { positive: true });
  const leeway = duration('leeway');
  if (leeway !== undefined && leeway > MAX_LEEWAY_SECONDS) {
    problems.push(`leeway: must be at most ${MAX_LEEWAY_SECONDS} seconds (got ${leeway})`);
  }
  const refreshExpirationDelta = duration('refreshExpirationDelta', { positive: true });
  const idleExpiry = duration('permanentTokenExpirationDelta', { positive: true });
  const accuracy = duration('permanentTokenExpirationAccuracy');
  const maxAge = duration('permanentTokenMaxAge', { optional: true, positive: true });
  const grace = duration('rotationGracePeriod');
  const deviceCacheTtl = duration('deviceCacheTtl');

  const allowRefresh = boolean('allowRefresh');
  const permanentTokenAuth = boolean('permanentTokenAuth');
  const rotatePermanentTokens = boolean('rotatePermanentTokens');
  const headerRules = boolean('headerRules');

  // Only combinations that defeat a rule stop the boot; merely unusual ones are warned about (see option-warnings.ts).
  if (permanentTokenAuth && !rotatePermanentTokens && accuracy !== undefined && idleExpiry !== undefined && accuracy >= idleExpiry) {
    problems.push('permanentTokenExpirationAccuracy: must be shorter than permanentTokenExpirationDelta, or no refresh ever extends a device\'s life');
  }
  if (permanentTokenAuth && rotatePermanentTokens && grace !== undefined && idleExpiry !== undefined && grace >= idleExpiry) {
    problems.push('rotationGracePeriod: must be shorter than permanentTokenExpirationDelta, or a replayed previous token never revokes its device');
  }

  const prefixes = o.authHeaderPrefixes;
  const authHeaderPrefixes: string[] = [];
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    problems.push('authHeaderPrefixes: must be a non-empty array of scheme names such as ["Bearer"]');
  } else {
    for (const prefix of prefixes) {
      if (typeof prefix === 'string' && HTTP_TOKEN.test(prefix)) authHeaderPrefixes.push(prefix);
      else problems.push(`authHeaderPrefixes: ${describe(prefix)} is not a valid scheme name`);
    }
  }
  const authCookie = optionalString('authCookie');
  if (authCookie !== undefined && !HTTP_TOKEN.test(authCookie)) {
    problems.push(`authCookie: ${describe(authCookie)} is not a valid cookie name`);
  }
  const issuer = optionalString('issuer');
  const audience = optionalString('audience');
  const usernameField = o.usernameField;
  if (typeof usernameField !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(usernameField)) {
    problems.push(`usernameField: must be a field name such as "username" or "email" (got ${describe(usernameField)})`);
  }
  if (o.userIdType !== 'number' && o.userIdType !== 'string') {
    problems.push(`userIdType: must be "number" or "string" (got ${describe(o.userIdType)})`);
  }
  const maxDevices = o.maxDevicesPerUser;
  if (maxDevices !== undefined && !(Number.isSafeInteger(maxDevices) && (maxDevices as number) > 0)) {
    problems.push(`maxDevicesPerUser: must be a positive integer (got ${describe(maxDevices)})`);
  }
  const userService = o.userService as JwtDevicesUserService | undefined;
  if (
    typeof userService !== 'object' || userService === null ||
    typeof userService.validateCredentials !== 'function' || typeof userService.findById !== 'function'
  ) {
    problems.push('userService: required, an object with validateCredentials(username, password) and findById(id)');
  }
  if (problems.length > 0 || !keys) throw new JwtDevicesConfigError(problems);
  return {
    algorithm,
    signingKey: keys.signingKey,
    verificationKey: keys.verificationKey,
    accessTokenTtl: accessTokenTtl!,
    leeway: leeway!,
    issuer,
    audience,
    authHeaderPrefixes,
    authCookie,
    allowRefresh,
    refreshExpirationDelta: refreshExpirationDelta!,
    permanentTokenAuth,
    permanentTokenExpirationDelta: idleExpiry!,
    permanentTokenExpirationAccuracy: accuracy!,
    permanentTokenMaxAge: maxAge,
    rotatePermanentTokens,
    rotationGracePeriod: grace!,
    deviceCacheTtl: deviceCacheTtl!,
    maxDevicesPerUser: maxDevices as number | undefined,
    usernameField: usernameField as string,
    userIdType: o.userIdType as 'number' | 'string',
    headerRules,
    userService: userService!,
  };
}

function stripUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
