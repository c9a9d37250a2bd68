import type { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import { JWT_ALGORITHMS, parseDuration, type JwtDevicesRuntimeOptions } from '../../lib/index.js';
import { DEFAULT_PASSWORD_HASH_COST, MAX_PASSWORD_HASH_COST, MIN_PASSWORD_HASH_COST } from '../users/password-hasher.js';
import { DEFAULT_DATABASE_URL, databaseOptionsFromUrl } from './database-options.js';

/** The process environment, or any map like it (tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];
// setInterval() fires at once for delays above 2^31-1 ms, so longer intervals are refused.
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A refused value, quoted (shortened) after the message: only for variables that hold no secret. */
const quoted = (message: string, input: unknown) => {
  const value = String(input);
  return `${message} (got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
};
const refused = (message: string) => ({ error: (issue: { input?: unknown }) => quoted(message, issue.input) });

/** Trimmed text, turned into a value by `parse`, which returns undefined for text it refuses. */
function parsed<T>(message: string, parse: (text: string) => T | undefined) {
  return z.string().trim().transform((text, context) => {
    const value = parse(text);
    if (value !== undefined) return value;
    context.issues.push({ code: 'custom', input: text, message: quoted(message, text) });
    return z.NEVER;
  });
}

const text = z.string().trim();
/** Secrets and keys: kept exactly as given, and never quoted in an error. */
const secret = z.string();
/** PEM text; a one-line value with literal `\n` escapes (common in .env files and CI) is unescaped. */
const pem = secret.transform((value) => (value.includes('\n') ? value : value.replace(/\\n/g, '\n')));
/** Exactly true, false, 1 or 0: anything else is more likely a typo than a choice. */
const boolean = text.pipe(z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'], case: 'sensitive', ...refused('must be true, false, 1 or 0') }));
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => text.pipe(z.enum(values, refused(`must be one of ${values.join(', ')}`)));
/** A whole decimal number in range: no signs, exponents, fractions or leading zeros. */
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  parsed(`must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`, (value) =>
    /^(0|[1-9]\d*)$/.test(value) && Number(value) >= min && Number(value) <= max ? Number(value) : undefined,
  );
/** Seconds, or the module's duration syntax; read into seconds. */
const duration = parsed("must be seconds or a duration such as '90s', '30m', '12h', '7d'", (value) => {
  const seconds = parseDuration(value);
  return typeof seconds === 'number' ? seconds : undefined;
});
/** Comma-separated secrets (base64 or hex text has no commas); never quoted in an error. */
const secretList = secret.transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));
const list = parsed('must be a comma-separated list such as Bearer,JWT', (value) => {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return items.length > 0 ? items : undefined;
});
/** Checked here so a bad URL is listed with the other bad variables; its message never repeats the URL, which may hold a password. */
const databaseUrl = text.superRefine((url, context) => {
  try {
    databaseOptionsFromUrl(url);
  } catch (error: unknown) {
    context.issues.push({ code: 'custom', input: url, message: error instanceof Error ? error.message : 'not understood' });
  }
});
/** A Redis URL, for push invalidation; never quoted in an error, as it may hold a password. */
const redisUrl = text.refine((url) => /^rediss?:\/\/./.test(url), { error: 'must be a redis:// or rediss:// URL' });
/** `postgres` (LISTEN/NOTIFY on DATABASE_URL's server) or a Redis URL; never quoted either. */
const invalidation = text.transform((value, context) => {
  if (value === 'postgres') return { postgres: true as const };
  if (/^rediss?:\/\/./.test(value)) return { redis: { url: value } };
  context.issues.push({ code: 'custom', input: value, message: 'must be postgres or a redis:// or rediss:// URL' });
  return z.NEVER;
});

/** The module options the environment can set: all but the app's user service. */
// Objects, not variables: jwtModuleOptions holds the key, algorithm, lifetime, issuer and audience, which have variables of their own.
export type JwtDevicesEnvOptions = Omit<JwtDevicesRuntimeOptions, 'userService' | 'jwtModuleOptions'>;

/** The type of each module option's variable; the module itself checks the values (ranges, key strength, combinations). */
export const JWT_DEVICES_OPTIONS = {
  secret,
  privateKey: pem,
  publicKey: pem,
  permanentTokenSecrets: secretList,
  algorithm: text
    // EdDSA gets its reason: the sample app accepted it before @nestjs/jwt signed the tokens.
    .refine((value) => value !== 'EdDSA', {
      abort: true,
      message: 'EdDSA is not supported: access tokens are signed by @nestjs/jwt (jsonwebtoken), which has no EdDSA; use ES256 with a P-256 key pair',
    })
    .pipe(oneOf(JWT_ALGORITHMS)),
  accessTokenTtl: duration,
  leeway: duration,
  issuer: text,
  audience: text,
  authHeaderPrefixes: list,
  authCookie: text,
  allowRefresh: boolean,
  refreshExpirationDelta: duration,
  permanentTokenAuth: boolean,
  permanentTokenExpirationDelta: duration,
  permanentTokenExpirationAccuracy: duration,
  permanentTokenMaxAge: duration,
  rotatePermanentTokens: boolean,
  rotationGracePeriod: duration,
  deviceCacheTtl: duration,
  userCacheTtl: duration,
  invalidation,
  maxDevicesPerUser: integer(1),
  usernameField: text,
  userIdType: oneOf(['number', 'string']),
  headerRules: boolean,
  storeClientAddress: boolean,
} satisfies { [K in keyof JwtDevicesEnvOptions]-?: z.ZodType<NonNullable<JwtDevicesEnvOptions[K]>, string> };
export type JwtDevicesOption = keyof typeof JWT_DEVICES_OPTIONS;

/** `accessTokenTtl` -> `ACCESS_TOKEN_TTL`. */
type UpperSnake<S extends string> = S extends `${infer C}${infer Rest}` ? `${C extends Lowercase<C> ? '' : '_'}${Uppercase<C>}${UpperSnake<Rest>}` : '';
export type JwtDevicesVariable<K extends JwtDevicesOption = JwtDevicesOption> = `JWT_DEVICES_${UpperSnake<K>}`;

export const jwtDevicesVariable = <K extends JwtDevicesOption>(option: K) =>
  `JWT_DEVICES_${option.replace(/[A-Z]/g, '_$&').toUpperCase()}` as JwtDevicesVariable<K>;

const jwtDevicesVariables = Object.fromEntries(
  Object.entries(JWT_DEVICES_OPTIONS).map(([option, type]) => [jwtDevicesVariable(option as JwtDevicesOption), type.optional()]),
) as { [K in JwtDevicesOption as JwtDevicesVariable<K>]: z.ZodOptional<(typeof JWT_DEVICES_OPTIONS)[K]> };

/** Every variable the sample app reads, its type and its default. */
export const envSchema = z.object({
  PORT: integer(0, 65535).default(3000),
  HTTP_ADAPTER: oneOf(HTTP_ADAPTERS).default('express'),
  DATABASE_URL: databaseUrl.default(DEFAULT_DATABASE_URL),
  JWT_SECRET: secret.optional(),
  THROTTLE_LIMIT: integer(0).default(10),
  THROTTLE_TTL: integer(1, MAX_TIMER_SECONDS).default(60),
  PURGE_INTERVAL: integer(0, MAX_TIMER_SECONDS).default(3600),
  PASSWORD_HASH_COST: integer(MIN_PASSWORD_HASH_COST, MAX_PASSWORD_HASH_COST).default(DEFAULT_PASSWORD_HASH_COST),
  /** Turns push invalidation on over this Redis, unless JWT_DEVICES_INVALIDATION names another. */
  REDIS_URL: redisUrl.optional(),
  ...jwtDevicesVariables,
  JWT_DEVICES_ROUTES: boolean.default(true),
  JWT_DEVICES_ROUTES_PREFIX: text.optional(),
});

export type SampleAppEnv = z.output<typeof envSchema>;
/** How the app's providers read the environment. */
export type AppConfig = ConfigService<SampleAppEnv, true>;

/** The environment is invalid; `problems` has one line per bad variable. */
export class SampleAppConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid sample-app configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SampleAppConfigError';
  }
}

/** Reads `env` through the schema, an empty variable counting as unset; throws one error listing every bad variable. */
export function parseEnv(env: Env): SampleAppEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));
  const result = envSchema.safeParse(present);
  if (!result.success) throw new SampleAppConfigError(result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`));
  return result.data;
}
