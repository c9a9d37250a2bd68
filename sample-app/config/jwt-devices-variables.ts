import { JWT_ALGORITHMS, type JwtDevicesRoutesOptions, type JwtDevicesRuntimeOptions } from '../../lib/index.js';
import type { EnvReader } from './env-reader.js';

/** The module options the environment can set: all but the app's user service. */
export type JwtDevicesEnvOptions = Omit<JwtDevicesRuntimeOptions, 'userService'>;

export const JWT_DEVICES_PREFIX = 'JWT_DEVICES_';

interface OptionVariable<T> {
  read(reader: EnvReader, name: string): T | undefined;
  description: string;
}

const DURATION = "seconds, or '30m', '7d'";

/** One variable per module option; the mapped type makes leaving an option out a compile error. */
const OPTION_VARIABLES: { [K in keyof JwtDevicesEnvOptions]-?: OptionVariable<NonNullable<JwtDevicesEnvOptions[K]>> } = {
  secret: {
    read: (env, name) => env.secret(name),
    description: 'HMAC signing secret, at least 32 bytes; overrides JWT_SECRET',
  },
  privateKey: {
    read: (env, name) => env.pem(name),
    description: 'PEM private key for RS*/ES*/EdDSA (literal \\n escapes are accepted)',
  },
  publicKey: {
    read: (env, name) => env.pem(name),
    description: 'PEM public key matching JWT_DEVICES_PRIVATE_KEY',
  },
  algorithm: {
    read: (env, name) => env.oneOf(name, JWT_ALGORITHMS),
    description: `signing algorithm: ${JWT_ALGORITHMS.join(', ')} (default HS256)`,
  },
  accessTokenTtl: {
    read: (env, name) => env.duration(name),
    description: `access token lifetime, ${DURATION} (default 300)`,
  },
  leeway: {
    read: (env, name) => env.duration(name),
    description: 'clock leeway for exp/nbf/iat in seconds, at most 120 (default 0)',
  },
  issuer: {
    read: (env, name) => env.string(name),
    description: 'iss claim: signed into tokens and required on verify (default none)',
  },
  audience: {
    read: (env, name) => env.string(name),
    description: 'aud claim: signed into tokens and required on verify (default none)',
  },
  authHeaderPrefixes: {
    read: (env, name) => env.list(name),
    description: 'accepted Authorization schemes, comma-separated, e.g. Bearer,JWT (default Bearer)',
  },
  authCookie: {
    read: (env, name) => env.string(name),
    description: 'cookie name: login also sets the access token as an HttpOnly cookie (default none)',
  },
  allowRefresh: {
    read: (env, name) => env.boolean(name),
    description: 'enable POST /auth-token/refresh of unexpired access tokens (default false)',
  },
  refreshExpirationDelta: {
    read: (env, name) => env.duration(name),
    description: `how long after orig_iat an access token may still be refreshed, ${DURATION} (default 7d)`,
  },
  permanentTokenAuth: {
    read: (env, name) => env.boolean(name),
    description: 'per-device permanent tokens; false = plain JWT login (default true)',
  },
  permanentTokenExpirationDelta: {
    read: (env, name) => env.duration(name),
    description: `idle expiry of a device, ${DURATION} (default 7d)`,
  },
  permanentTokenExpirationAccuracy: {
    read: (env, name) => env.duration(name),
    description: `a device's last-request time is written at most once per this window, ${DURATION} (default 30m)`,
  },
  permanentTokenMaxAge: {
    read: (env, name) => env.duration(name),
    description: `absolute device lifetime from its creation, ${DURATION} (default none)`,
  },
  rotatePermanentTokens: {
    read: (env, name) => env.boolean(name),
    description: 'every device refresh issues a new permanent token (default true)',
  },
  rotationGracePeriod: {
    read: (env, name) => env.duration(name),
    description: `how long a just-rotated token gets 400 instead of revoking the device, ${DURATION} (default 10)`,
  },
  deviceCacheTtl: {
    read: (env, name) => env.duration(name),
    description: `per-process cache of live devices, ${DURATION}; 0 = read the database each request (default 0)`,
  },
  maxDevicesPerUser: {
    read: (env, name) => env.integer(name, { min: 1 }),
    description: "a login beyond it logs out the user's least recently used device (default unlimited)",
  },
  usernameField: {
    read: (env, name) => env.string(name),
    description: "the login body's user field (default username)",
  },
  userIdType: {
    read: (env, name) => env.oneOf(name, ['number', 'string'] as const),
    description: 'how user ids are read back from the device table: number or string (default number)',
  },
  headerRules: {
    read: (env, name) => env.boolean(name),
    description: 'refuse a Permanent-Token header on every route but device refresh (default true)',
  },
};

const ROUTES = `${JWT_DEVICES_PREFIX}ROUTES`;
const ROUTES_PREFIX = `${JWT_DEVICES_PREFIX}ROUTES_PREFIX`;

/** `accessTokenTtl` -> `JWT_DEVICES_ACCESS_TOKEN_TTL`. */
export function jwtDevicesVariableName(option: keyof JwtDevicesEnvOptions): string {
  return JWT_DEVICES_PREFIX + option.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

/** Reads every module option from its `JWT_DEVICES_*` variable; unset variables keep the module's defaults. */
export function readJwtDevicesOptions(env: EnvReader): JwtDevicesEnvOptions {
  const options: Record<string, unknown> = {};
  for (const [option, variable] of Object.entries(OPTION_VARIABLES)) {
    const value = (variable as OptionVariable<unknown>).read(env, jwtDevicesVariableName(option as keyof JwtDevicesEnvOptions));
    if (value !== undefined) options[option] = value;
  }
  return options as JwtDevicesEnvOptions;
}

/** The built-in routes: mounted under JWT_DEVICES_ROUTES_PREFIX, or not at all with JWT_DEVICES_ROUTES=false. */
export function readJwtDevicesRoutes(env: EnvReader): JwtDevicesRoutesOptions | false {
  if (env.boolean(ROUTES) === false) return false;
  const prefix = env.string(ROUTES_PREFIX)?.replace(/^\/+|\/+$/g, '');
  return prefix ? { prefix } : {};
}

export const JWT_DEVICES_VARIABLES: readonly { name: string; description: string }[] = [
  ...Object.entries(OPTION_VARIABLES).map(([option, variable]) => ({
    name: jwtDevicesVariableName(option as keyof JwtDevicesEnvOptions),
    description: variable.description,
  })),
  { name: ROUTES, description: 'false mounts none of the built-in routes (default true)' },
  { name: ROUTES_PREFIX, description: "path prefix of the built-in routes, e.g. api (default '')" },
];
