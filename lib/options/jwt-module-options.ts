import { describe } from './duration.js';

/** Where each field of an app's `JwtModuleOptions` goes among the module's own options. */
const TOP_LEVEL: Record<string, string | null> = { secret: 'secret', privateKey: 'privateKey', publicKey: 'publicKey', global: null };
const SIGN_OPTIONS: Record<string, string> = { algorithm: 'algorithm', expiresIn: 'accessTokenTtl', issuer: 'issuer', audience: 'audience' };
const VERIFY_OPTIONS: Record<string, string> = { algorithms: 'algorithm', clockTolerance: 'leeway', issuer: 'issuer', audience: 'audience' };

export interface MappedJwtModuleOptions {
  /** Module options read from the JwtModule configuration. */
  options: Record<string, unknown>;
  /** Module option -> the JwtModule field it came from, so a problem names what the app wrote. */
  sources: Record<string, string>;
}

/**
 * Reads an app's `JwtModuleOptions` (what it gives `JwtModule.register()`) as the module's key,
 * algorithm, lifetime, leeway, issuer and audience. Fields that would loosen a check the module
 * makes (a key chosen per token, `ignoreExpiration`, ...) and fields also given directly are problems.
 */
export function fromJwtModuleOptions(raw: unknown, direct: Record<string, unknown>, problems: string[]): MappedJwtModuleOptions {
  const mapped: MappedJwtModuleOptions = { options: {}, sources: {} };
  if (raw === undefined) return mapped;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`jwtModuleOptions: must be the object you give JwtModule.register() (got ${describe(raw)})`);
    return mapped;
  }
  const take = (field: string, target: string, value: unknown): void => {
    if (value === undefined) return;
    if (direct[target] !== undefined) {
      problems.push(`${field}: ${target} is also given directly; give it once`);
    } else if (target in mapped.options && !sameValue(mapped.options[target], value)) {
      problems.push(`${field}: differs from ${mapped.sources[target]}; the module signs and verifies with one value`);
    } else if (!(target in mapped.options)) {
      mapped.options[target] = value;
      mapped.sources[target] = field;
    }
  };
  const group = (name: string, fields: Record<string, unknown>, targets: Record<string, string | null>): void => {
    for (const [field, value] of Object.entries(fields)) {
      const path = name ? `jwtModuleOptions.${name}.${field}` : `jwtModuleOptions.${field}`;
      if (!(field in targets)) {
        if (value !== undefined) problems.push(`${path}: not supported; ${UNSUPPORTED[field] ?? 'the module sets or checks this itself'}`);
      } else if (field === 'algorithms') {
        take(path, 'algorithm', pinnedAlgorithm(path, value, problems));
      } else if (field === 'expiresIn' && typeof value === 'string' && /^\s*[\d.]+\s*$/.test(value)) {
        // jsonwebtoken reads a string without a unit as milliseconds, the module as seconds: refuse the doubt.
        problems.push(`${path}: give a number of seconds or a unit such as '5m' (got ${describe(value)})`);
      } else if (targets[field] !== null) {
        take(path, targets[field]!, value);
      }
    }
  };
  const { signOptions, verifyOptions, ...topLevel } = raw as Record<string, unknown>;
  group('', topLevel, TOP_LEVEL);
  for (const [name, value, targets] of [['signOptions', signOptions, SIGN_OPTIONS], ['verifyOptions', verifyOptions, VERIFY_OPTIONS]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null) problems.push(`jwtModuleOptions.${name}: must be an object`);
    else group(name, value as Record<string, unknown>, targets);
  }
  return mapped;
}

const UNSUPPORTED: Record<string, string> = {
  secretOrPrivateKey: 'give secret, or privateKey and publicKey',
  secretOrKeyProvider: 'access tokens are signed and verified with one fixed key; give secret, or privateKey and publicKey',
  ignoreExpiration: 'every access token must carry an exp that has not passed',
  ignoreNotBefore: 'a token whose nbf lies ahead is always refused',
  allowInvalidAsymmetricKeyTypes: 'the key must fit the algorithm',
  allowInsecureKeySizes: `RSA keys must have at least 2048 bits`,
};

function pinnedAlgorithm(path: string, value: unknown, problems: string[]): unknown {
  if (Array.isArray(value) && value.length === 1) return value[0];
  problems.push(`${path}: must name exactly one algorithm, the one tokens are signed with (got ${describe(value)})`);
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));
}

/** Renames `option: ...` problems after the JwtModule field the option came from. */
export function nameSources(problems: string[], sources: Record<string, string>): string[] {
  return problems.map((problem) => {
    const colon = problem.indexOf(':');
    const source = colon > 0 ? sources[problem.slice(0, colon)] : undefined;
    return source ? `${source}${problem.slice(colon)}` : problem;
  });
}
