import { JwtDevicesConfigError } from '../errors/jwt-devices.error.js';
import type { JwtDevicesUserService } from '../jwt-devices-user.js';
import { crossOptionProblems } from './cross-option-rules.js';
import { JwtDevicesDefaults } from './defaults.js';
import { describe, parseDuration } from './duration.js';
import { resolveInvalidation } from './invalidation-option.js';
import { fromJwtModuleOptions, nameSources } from './jwt-module-options.js';
import { resolveKeys } from './key-policy.js';
import { resolvePermanentTokenKeys } from './permanent-token-keys.js';
import { JWT_ALGORITHMS, type JwtAlgorithm, type JwtDevicesModuleOptions } from './module-options.js';
import type { ValidatedJwtDevicesOptions } from './resolved-options.js';

export const MAX_LEEWAY_SECONDS = 120;

const STATIC_OPTIONS = new Set<string>(['routes', 'providers', 'isGlobal']);
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const KNOWN_OPTIONS = new Set<string>([
  'secret', 'privateKey', 'publicKey', 'jwtModuleOptions', 'algorithm', 'accessTokenTtl', 'leeway', 'issuer', 'audience',
  'authHeaderPrefixes', 'authCookie', 'allowRefresh', 'refreshExpirationDelta', 'permanentTokenAuth',
  'permanentTokenExpirationDelta', 'permanentTokenExpirationAccuracy', 'permanentTokenMaxAge',
  'rotatePermanentTokens', 'rotationGracePeriod', 'deviceCacheTtl', 'userCacheTtl', 'invalidation', 'maxDevicesPerUser', 'usernameField',
  'userIdType', 'headerRules', 'storeClientAddress', 'userService', 'routes', 'providers', 'isGlobal', 'permanentTokenSecrets',
]);



/** Validates raw options once, at boot; throws one error that lists every problem. */
export function resolveOptions(
  raw: Partial<JwtDevicesModuleOptions> | undefined,
  source: 'forRoot' | 'forRootAsync' = 'forRoot',
): ValidatedJwtDevicesOptions {
  const problems: string[] = [];
  const user = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(user)) {
    if (!KNOWN_OPTIONS.has(key)) problems.push(`${key}: unknown option`);
    else if (STATIC_OPTIONS.has(key) && source === 'forRootAsync' && user[key] !== undefined) {
      problems.push(`${key}: shapes the module's routes, providers or scope, so give it to forRootAsync() itself, not from its factory`);
    }
  }
  const given = stripUndefined(user);
  const fromJwtModule = fromJwtModuleOptions(given.jwtModuleOptions, given, problems);
  const o = { ...new JwtDevicesDefaults(), ...given, ...fromJwtModule.options } as Record<string, unknown>;

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
  if ((algorithm as string) === 'EdDSA') {
    problems.push(
      'algorithm: EdDSA is not supported: access tokens are signed and verified by @nestjs/jwt (jsonwebtoken 9), which has no EdDSA; ' +
        'use ES256 (a P-256 key pair) for short asymmetric signatures',
    );
  } else if (!JWT_ALGORITHMS.includes(algorithm)) {
    problems.push(`algorithm: must be one of ${JWT_ALGORITHMS.join(', ')} (got ${describe(algorithm)})`);
  }
  const keys = JWT_ALGORITHMS.includes(algorithm) ? resolveKeys(o, algorithm, problems) : undefined;
  const permanentTokenKeys = resolvePermanentTokenKeys(o.permanentTokenSecrets, keys?.signingKey, problems);

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
  const userCacheTtl = duration('userCacheTtl');
  if (userCacheTtl !== undefined && userCacheTtl > 0 && deviceCacheTtl === 0) {
    problems.push(`userCacheTtl: ${userCacheTtl} s needs deviceCacheTtl > 0, since a user is kept with its device's cache entry`);
  }
  const invalidation = resolveInvalidation(o.invalidation, problems);

  const allowRefresh = boolean('allowRefresh');
  const permanentTokenAuth = boolean('permanentTokenAuth');
  const rotatePermanentTokens = boolean('rotatePermanentTokens');
  const headerRules = boolean('headerRules');
  const storeClientAddress = boolean('storeClientAddress');

  problems.push(...crossOptionProblems({ permanentTokenAuth, rotatePermanentTokens, accuracy, grace, idleExpiry }));

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
  if (problems.length > 0 || !keys || !permanentTokenKeys) throw new JwtDevicesConfigError(nameSources(problems, fromJwtModule.sources));
  return {
    algorithm,
    signingKey: keys.signingKey,
    verificationKey: keys.verificationKey,
    permanentTokenKeys,
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
    userCacheTtl: userCacheTtl!,
    invalidation,
    maxDevicesPerUser: maxDevices as number | undefined,
    usernameField: usernameField as string,
    userIdType: o.userIdType as 'number' | 'string',
    headerRules,
    storeClientAddress,
    userService: userService!,
  };
}

function stripUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
