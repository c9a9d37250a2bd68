import { DATABASE_URL_FORMATS, databaseOptionsFromUrl, type DatabaseOptions } from './config/database-options.js';
import { EnvReader, type Env } from './config/env-reader.js';
import {
  JWT_DEVICES_VARIABLES,
  readJwtDevicesOptions,
  readJwtDevicesRoutes,
  type JwtDevicesEnvOptions,
} from './config/jwt-devices-variables.js';
import { DEFAULT_SQLITE_PATH } from './config/repo-root.js';
import type { JwtDevicesRoutesOptions } from '../lib/index.js';
import { DEFAULT_PASSWORD_HASH_COST, MAX_PASSWORD_HASH_COST, MIN_PASSWORD_HASH_COST } from './users/password-hasher.js';

export type { Env } from './config/env-reader.js';
export type { DatabaseOptions } from './config/database-options.js';
export type { JwtDevicesEnvOptions } from './config/jwt-devices-variables.js';

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

export interface ThrottleConfig {
  /** Requests per window per client (IP, and for login also per username). */
  limit: number;
  ttlSeconds: number;
}

export interface SampleAppConfig {
  port: number;
  httpAdapter: HttpAdapterName;
  database: DatabaseOptions;
  /** `null` when THROTTLE_LIMIT=0. */
  throttle: ThrottleConfig | null;
  /** 0 = no periodic purge. */
  purgeIntervalSeconds: number;
  /** scrypt's N as a power of two. */
  passwordHashCost: number;
  jwtDevices: JwtDevicesEnvOptions;
  routes: JwtDevicesRoutesOptions | false;
  /** True when no secret was configured and the public development default is in use. */
  usesDevelopmentSecret: boolean;
}

/** Public on purpose: it only exists so `npm start` works out of the box. Never use it in production. */
export const DEVELOPMENT_JWT_SECRET = 'nestjs-jwt-devices-sample-app-DEVELOPMENT-ONLY-secret';

export const DEFAULT_DATABASE_URL = `sqlite:${DEFAULT_SQLITE_PATH}`;
// setInterval() fires at once for delays above 2^31-1 ms, so longer intervals are refused.
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Every variable the sample app reads, with its meaning and default, for the README. */
export const CONFIG_VARIABLES: readonly { name: string; description: string }[] = [
  { name: 'PORT', description: 'HTTP port, on 127.0.0.1 (default 3000)' },
  { name: 'HTTP_ADAPTER', description: 'express or fastify (default express)' },
  {
    name: 'DATABASE_URL',
    description: `${DATABASE_URL_FORMATS} (default sqlite:sample-app/data/sample.sqlite under the repository root)`,
  },
  {
    name: 'JWT_SECRET',
    description: 'HMAC secret of at least 32 bytes; when unset a public development secret is used, with a warning',
  },
  { name: 'THROTTLE_LIMIT', description: 'login, device-refresh and sign-up requests per window per client; 0 = off (default 10)' },
  { name: 'THROTTLE_TTL', description: 'the rate-limit window in seconds (default 60)' },
  { name: 'PURGE_INTERVAL', description: 'seconds between purges of expired devices; 0 = off (default 3600)' },
  {
    name: 'PASSWORD_HASH_COST',
    description:
      `scrypt cost as log2(N), ${MIN_PASSWORD_HASH_COST} to ${MAX_PASSWORD_HASH_COST}, with r=8, p=1; ` +
      `lower it only for tests, existing hashes still verify and are rehashed at login (default ${DEFAULT_PASSWORD_HASH_COST}, OWASP's value)`,
  },
  ...JWT_DEVICES_VARIABLES,
];

/** The configuration is invalid; `problems` has one line per bad variable. */
export class SampleAppConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid sample-app configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SampleAppConfigError';
  }
}

/** Reads the whole configuration from `env`, a pure function; throws one error listing every bad variable. */
export function loadConfig(env: Env): SampleAppConfig {
  const reader = new EnvReader(env);
  const port = reader.integer('PORT', { min: 0, max: 65535 }) ?? 3000;
  const httpAdapter = reader.oneOf('HTTP_ADAPTER', HTTP_ADAPTERS) ?? 'express';
  const database = readDatabase(reader);
  const throttleLimit = reader.integer('THROTTLE_LIMIT', { min: 0 }) ?? 10;
  const throttleTtl = reader.integer('THROTTLE_TTL', { min: 1, max: MAX_TIMER_SECONDS }) ?? 60;
  const purgeIntervalSeconds = reader.integer('PURGE_INTERVAL', { min: 0, max: MAX_TIMER_SECONDS }) ?? 3600;
  const passwordHashCost =
    reader.integer('PASSWORD_HASH_COST', { min: MIN_PASSWORD_HASH_COST, max: MAX_PASSWORD_HASH_COST }) ?? DEFAULT_PASSWORD_HASH_COST;
  const jwtDevices = readJwtDevicesOptions(reader);
  const routes = readJwtDevicesRoutes(reader);

  // JWT_SECRET and the development default are for HMAC only: the module refuses a secret next to RS/ES/EdDSA keys.
  const wantsHmacSecret =
    jwtDevices.privateKey === undefined && jwtDevices.publicKey === undefined &&
    (jwtDevices.algorithm ?? 'HS256').startsWith('HS');
  const fallbackSecret = wantsHmacSecret ? reader.secret('JWT_SECRET') : undefined;
  const usesDevelopmentSecret = wantsHmacSecret && jwtDevices.secret === undefined && fallbackSecret === undefined;
  if (wantsHmacSecret) jwtDevices.secret ??= fallbackSecret ?? DEVELOPMENT_JWT_SECRET;

  if (reader.problems.length > 0) throw new SampleAppConfigError(reader.problems);
  return {
    port,
    httpAdapter,
    database: database!,
    throttle: throttleLimit === 0 ? null : { limit: throttleLimit, ttlSeconds: throttleTtl },
    purgeIntervalSeconds,
    passwordHashCost,
    jwtDevices,
    routes,
    usesDevelopmentSecret,
  };
}

function readDatabase(reader: EnvReader): DatabaseOptions | undefined {
  const url = reader.secret('DATABASE_URL')?.trim() ?? DEFAULT_DATABASE_URL;
  try {
    return databaseOptionsFromUrl(url);
  } catch (error: unknown) {
    return reader.report('DATABASE_URL', error instanceof Error ? error.message : 'not understood');
  }
}
