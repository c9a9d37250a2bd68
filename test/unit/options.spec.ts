import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { JwtDevicesConfigError } from '../../lib/errors/jwt-devices.error.js';
import { parseDuration } from '../../lib/options/duration.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { type JwtDevicesModuleOptions } from '../../lib/options/module-options.js';
import { type JwtDevicesUserService } from '../../lib/jwt-devices-user.js';
import { type ValidatedJwtDevicesOptions } from '../../lib/options/resolved-options.js';
import { optionWarnings } from '../../lib/options/option-warnings.js';

const SECRET_32 = 'a'.repeat(32);
const userService: JwtDevicesUserService = { validateCredentials: () => null, findById: () => null };

function pem(type: 'rsa' | 'ec' | 'ed25519', namedCurve = 'prime256v1'): { privateKey: string; publicKey: string } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding });
  if (type === 'ec') return generateKeyPairSync('ec', { namedCurve, publicKeyEncoding, privateKeyEncoding });
  return generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding });
}
const RSA = pem('rsa');
const P256 = pem('ec', 'prime256v1');
const P384 = pem('ec', 'secp384r1');

function resolve(options: Partial<JwtDevicesModuleOptions> & Record<string, unknown>, source?: 'forRoot' | 'forRootAsync'): ValidatedJwtDevicesOptions {
  return resolveOptions({ secret: SECRET_32, userService, ...options } as Partial<JwtDevicesModuleOptions>, source);
}

/** The problems resolveOptions reports, from the one error it throws. */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof JwtDevicesConfigError, `expected a JwtDevicesConfigError, got ${String(error)}`);
    for (const problem of error.problems) assert.ok(error.message.includes(`- ${problem}`), `the message leaves out "${problem}"`);
    return error.problems;
  }
  assert.fail('the options were accepted');
}

/** Exactly these problems, each matched by one pattern. */
function assertProblems(problems: string[], patterns: RegExp[]): void {
  for (const pattern of patterns) assert.ok(problems.some((problem) => pattern.test(problem)), `no problem matches ${pattern}: ${JSON.stringify(problems)}`);
  assert.equal(problems.length, patterns.length, JSON.stringify(problems));
}

describe('resolveOptions', () => {
  it('applies the contract defaults', () => {
    const resolved = resolve({});
    assert.deepEqual(
      {
        algorithm: resolved.algorithm,
        accessTokenTtl: resolved.accessTokenTtl,
        leeway: resolved.leeway,
        issuer: resolved.issuer,
        audience: resolved.audience,
        authHeaderPrefixes: resolved.authHeaderPrefixes,
        authCookie: resolved.authCookie,
        allowRefresh: resolved.allowRefresh,
        refreshExpirationDelta: resolved.refreshExpirationDelta,
        permanentTokenAuth: resolved.permanentTokenAuth,
        permanentTokenExpirationDelta: resolved.permanentTokenExpirationDelta,
        permanentTokenExpirationAccuracy: resolved.permanentTokenExpirationAccuracy,
        permanentTokenMaxAge: resolved.permanentTokenMaxAge,
        rotatePermanentTokens: resolved.rotatePermanentTokens,
        rotationGracePeriod: resolved.rotationGracePeriod,
        deviceCacheTtl: resolved.deviceCacheTtl,
        userCacheTtl: resolved.userCacheTtl,
        maxDevicesPerUser: resolved.maxDevicesPerUser,
        usernameField: resolved.usernameField,
        headerRules: resolved.headerRules,
      },
      {
        algorithm: 'HS256',
        accessTokenTtl: 300,
        leeway: 0,
        issuer: undefined,
        audience: undefined,
        authHeaderPrefixes: ['Bearer'],
        authCookie: undefined,
        allowRefresh: false,
        refreshExpirationDelta: 7 * 86400,
        permanentTokenAuth: true,
        permanentTokenExpirationDelta: 7 * 86400,
        permanentTokenExpirationAccuracy: 30 * 60,
        permanentTokenMaxAge: undefined,
        rotatePermanentTokens: true,
        rotationGracePeriod: 10,
        deviceCacheTtl: 0,
        userCacheTtl: 0,
        maxDevicesPerUser: undefined,
        usernameField: 'username',
        headerRules: true,
      },
    );
    assert.equal(resolved.userService, userService);
  });

  it('an option given as undefined keeps its default', () => {
    assert.equal(resolve({ accessTokenTtl: undefined, algorithm: undefined }).accessTokenTtl, 300);
  });

  it('reads durations given as strings into seconds', () => {
    const resolved = resolve({
      accessTokenTtl: '15m',
      leeway: '90s',
      permanentTokenExpirationDelta: '30d',
      permanentTokenExpirationAccuracy: '1h',
      permanentTokenMaxAge: '2w',
      rotationGracePeriod: 5,
    });
    assert.equal(resolved.accessTokenTtl, 900);
    assert.equal(resolved.leeway, 90);
    assert.equal(resolved.permanentTokenExpirationDelta, 30 * 86400);
    assert.equal(resolved.permanentTokenExpirationAccuracy, 3600);
    assert.equal(resolved.permanentTokenMaxAge, 14 * 86400);
    assert.equal(resolved.rotationGracePeriod, 5);
  });

  it('reports every problem at once, in one JwtDevicesConfigError', () => {
    const problems = problemsOf(() =>
      resolve({
        secret: 'short-secret',
        leeway: 121,
        permanentTokenExpirationAccuracy: -1,
        rotationGracePeriod: '8d',
        accessTokenTTL: 60,
      }),
    );
    assertProblems(problems, [
      /^secret: must be at least 32 bytes for HS256 \(got 12\)$/,
      /^leeway: must be at most 120 seconds \(got 121\)$/,
      /^permanentTokenExpirationAccuracy: must be a non-negative number of seconds$/,
      /^rotationGracePeriod: must be shorter than permanentTokenExpirationDelta/,
      /^accessTokenTTL: unknown option$/,
    ]);
  });

  it('counts the HS secret in bytes: 32 bytes pass, 31 fail, 16 two-byte characters pass', () => {
    assert.equal(resolve({ secret: 'x'.repeat(32) }).algorithm, 'HS256');
    assertProblems(problemsOf(() => resolve({ secret: 'x'.repeat(31) })), [/^secret: must be at least 32 bytes/]);
    assert.equal(resolve({ secret: 'é'.repeat(16) }).signingKey.symmetricKeySize, 32);
    assert.equal(resolve({ secret: Buffer.alloc(32, 7) }).signingKey.type, 'secret');
  });

  it('requires a secret for HS algorithms', () => {
    assertProblems(problemsOf(() => resolve({ secret: undefined })), [/^secret: required for HS256/]);
  });

  it('refuses EdDSA with its reason: @nestjs/jwt (jsonwebtoken) has no EdDSA', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'EdDSA' as 'HS256' })), [/^algorithm: EdDSA is not supported: access tokens are signed and verified by @nestjs\/jwt/]);
  });

  for (const algorithm of ['none', 'None', 'hs256', 'HS256 ', 'ps256', 'EDDSA', '']) {
    it(`refuses the algorithm ${JSON.stringify(algorithm)}`, () => {
      assertProblems(problemsOf(() => resolve({ algorithm: algorithm as 'HS256' })), [/^algorithm: must be one of HS256, HS384, HS512, RS256/]);
    });
  }

  describe('jwtModuleOptions: the app\'s own JwtModule configuration', () => {
    const SECRET = 'a-jwt-module-secret-of-at-least-32-bytes';

    it('supplies the key, algorithm, lifetime, leeway, issuer and audience', () => {
      const resolved = resolve({
        secret: undefined,
        jwtModuleOptions: {
          global: true,
          secret: SECRET,
          signOptions: { algorithm: 'HS512', expiresIn: '10m', issuer: 'https://auth.example', audience: 'api' },
          verifyOptions: { algorithms: ['HS512'], clockTolerance: 30, issuer: 'https://auth.example', audience: 'api' },
        },
      });
      assert.equal(resolved.algorithm, 'HS512');
      assert.deepEqual(resolved.signingKey.export(), Buffer.from(SECRET));
      assert.deepEqual([resolved.accessTokenTtl, resolved.leeway, resolved.issuer, resolved.audience], [600, 30, 'https://auth.example', 'api']);
    });

    it('takes an RS256 key pair', () => {
      const resolved = resolve({ secret: undefined, jwtModuleOptions: { ...RSA, signOptions: { algorithm: 'RS256' } } });
      assert.deepEqual([resolved.algorithm, resolved.signingKey.type, resolved.verificationKey.type], ['RS256', 'private', 'public']);
    });

    it('refuses what would loosen a check, what is given twice, and an expiresIn jsonwebtoken reads as milliseconds', () => {
      assertProblems(
        problemsOf(() =>
          resolve({
            secret: SECRET,
            jwtModuleOptions: {
              secret: SECRET,
              secretOrKeyProvider: () => SECRET,
              signOptions: { expiresIn: '300', issuer: 'a', noTimestamp: true },
              verifyOptions: { issuer: 'b', ignoreExpiration: true, algorithms: ['HS256', 'HS384'] },
            },
          }),
        ),
        [
          /^jwtModuleOptions\.secret: secret is also given directly; give it once$/,
          /^jwtModuleOptions\.secretOrKeyProvider: not supported; access tokens are signed and verified with one fixed key/,
          /^jwtModuleOptions\.signOptions\.expiresIn: give a number of seconds or a unit such as '5m' \(got "300"\)$/,
          /^jwtModuleOptions\.signOptions\.noTimestamp: not supported/,
          /^jwtModuleOptions\.verifyOptions\.issuer: differs from jwtModuleOptions\.signOptions\.issuer/,
          /^jwtModuleOptions\.verifyOptions\.ignoreExpiration: not supported; every access token must carry an exp/,
          /^jwtModuleOptions\.verifyOptions\.algorithms: must name exactly one algorithm/,
        ],
      );
    });

    it('names the JwtModule field in a problem of the value it gave', () => {
      assertProblems(problemsOf(() => resolve({ secret: undefined, jwtModuleOptions: { secret: 'short' } })), [/^jwtModuleOptions\.secret: must be at least 32 bytes for HS256 \(got 5\)$/]);
    });
  });

  it('RS256 without keys is a problem', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'RS256', secret: undefined })), [/^privateKey, publicKey: both required for RS256$/]);
  });

  it('RS256 with only a public key is a problem', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'RS256', secret: undefined, publicKey: RSA.publicKey })), [/both required for RS256/]);
  });

  it('RS256 with a secret besides the keys is a problem', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'RS256', ...RSA })), [/^secret: not used by RS256/]);
  });

  it('HS256 with RSA keys is a problem', () => {
    assertProblems(problemsOf(() => resolve({ privateKey: RSA.privateKey })), [/^privateKey\/publicKey: not used by HS256/]);
  });

  it('RS256 with EC keys is a problem for each key', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'RS256', secret: undefined, ...P256 })), [
      /^privateKey: a ec key cannot be used with RS256$/,
      /^publicKey: a ec key cannot be used with RS256$/,
    ]);
  });

  it('ES256 with a P-384 key is a problem; ES384 takes it', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'ES256', secret: undefined, ...P384 })), [
      /^privateKey: ES256 needs a prime256v1 key$/,
      /^publicKey: ES256 needs a prime256v1 key$/,
    ]);
    assert.equal(resolve({ algorithm: 'ES384', secret: undefined, ...P384 }).algorithm, 'ES384');
  });

  it('keys that are not PEM or DER are a problem', () => {
    assertProblems(problemsOf(() => resolve({ algorithm: 'RS256', secret: undefined, privateKey: 'not a key', publicKey: 'nor this' })), [
      /^privateKey\/publicKey: not a readable PEM or DER key$/,
    ]);
  });

  it('parses RS256, PS256 and ES256 key pairs into a private signing key and a public verification key', () => {
    for (const [algorithm, keys] of [['RS256', RSA], ['PS256', RSA], ['ES256', P256]] as const) {
      const resolved = resolve({ algorithm, secret: undefined, ...keys });
      assert.equal(resolved.signingKey.type, 'private', algorithm);
      assert.equal(resolved.verificationKey.type, 'public', algorithm);
    }
  });

  it('leeway: 120 s is the most allowed, also as a string', () => {
    assert.equal(resolve({ leeway: 120 }).leeway, 120);
    assert.equal(resolve({ leeway: '2m' }).leeway, 120);
    assertProblems(problemsOf(() => resolve({ leeway: '3m' })), [/^leeway: must be at most 120 seconds \(got 180\)$/]);
  });

  for (const name of ['accessTokenTtl', 'leeway', 'refreshExpirationDelta', 'permanentTokenExpirationDelta', 'permanentTokenMaxAge', 'rotationGracePeriod', 'deviceCacheTtl', 'userCacheTtl'] as const) {
    it(`a negative ${name} is a problem, as a number and as a string`, () => {
      assertProblems(problemsOf(() => resolve({ [name]: -1 })), [new RegExp(`^${name}: must be a non-negative number of seconds$`)]);
      assertProblems(problemsOf(() => resolve({ [name]: '-5m' })), [new RegExp(`^${name}: must be seconds or a string such as`)]);
    });
  }

  it('durations that must be positive refuse zero', () => {
    assertProblems(problemsOf(() => resolve({ accessTokenTtl: 0, permanentTokenMaxAge: '0s' })), [
      /^accessTokenTtl: must be greater than zero$/,
      /^permanentTokenMaxAge: must be greater than zero$/,
    ]);
  });

  it('an accessTokenTtl longer than permanentTokenExpirationDelta is accepted, with a warning that names both', () => {
    const resolved = resolve({ accessTokenTtl: '2h', permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: 60 });
    assert.equal(resolved.accessTokenTtl, 7200);
    assert.deepEqual(optionWarnings(resolved), [
      'accessTokenTtl (7200 s) is longer than permanentTokenExpirationDelta (3600 s): ' +
        'a device not refreshed within the idle window expires, and its access tokens get 401 before their exp',
    ]);
  });

  it('warns of nothing for the defaults, for an access token as long as the idle window, or with permanentTokenAuth off', () => {
    assert.deepEqual(optionWarnings(resolve({})), []);
    assert.deepEqual(optionWarnings(resolve({ accessTokenTtl: '1h', permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: 60 })), []);
    assert.deepEqual(optionWarnings(resolve({ accessTokenTtl: '8d', permanentTokenAuth: false })), []);
  });

  it('without rotation, an accuracy as long as the idle window is a problem: no refresh would extend a device', () => {
    assertProblems(problemsOf(() => resolve({ rotatePermanentTokens: false, permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: '1h' })), [
      /^permanentTokenExpirationAccuracy: must be shorter than permanentTokenExpirationDelta, or no refresh ever extends a device's life$/,
    ]);
    assert.equal(resolve({ rotatePermanentTokens: false, permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: 3599 }).permanentTokenExpirationAccuracy, 3599);
  });

  it('with rotation, a grace period as long as the idle window is a problem: a replayed previous token would never revoke', () => {
    assertProblems(problemsOf(() => resolve({ permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: 60, rotationGracePeriod: '1h' })), [
      /^rotationGracePeriod: must be shorter than permanentTokenExpirationDelta, or a replayed previous token never revokes its device$/,
    ]);
  });

  it('an accuracy or grace period the configuration never uses is not held against the idle window', () => {
    // Rotation writes the last-request time on every refresh, so the accuracy is unused.
    assert.equal(resolve({ permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: '2h' }).permanentTokenExpirationAccuracy, 7200);
    // Without rotation there is no previous token to be graceful about.
    assert.equal(resolve({ rotatePermanentTokens: false, permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: 60, rotationGracePeriod: '2h' }).rotationGracePeriod, 7200);
    // Without devices there is no idle window at all.
    assert.equal(resolve({ permanentTokenAuth: false, permanentTokenExpirationDelta: '1h', permanentTokenExpirationAccuracy: '2h', rotationGracePeriod: '2h' }).permanentTokenAuth, false);
  });

  it('an unknown option is named', () => {
    assertProblems(problemsOf(() => resolve({ algorithms: ['HS256'] })), [/^algorithms: unknown option$/]);
  });

  it('routes and providers belong to forRootAsync itself, not to its factory', () => {
    assertProblems(problemsOf(() => resolve({ routes: false, providers: [] }, 'forRootAsync')), [/^routes: .*forRootAsync\(\) itself/, /^providers: .*forRootAsync\(\) itself/]);
    assert.equal(resolve({ routes: false, providers: [] }, 'forRoot').algorithm, 'HS256');
  });

  it('userService is required, with both methods', () => {
    assertProblems(problemsOf(() => resolveOptions({ secret: SECRET_32 } as JwtDevicesModuleOptions)), [/^userService: required/]);
    assertProblems(problemsOf(() => resolve({ userService: { findById: () => null } as unknown as JwtDevicesUserService })), [/^userService: required/]);
  });

  it('no options at all report both the missing secret and the missing userService', () => {
    assertProblems(problemsOf(() => resolveOptions(undefined)), [/^secret: required for HS256/, /^userService: required/]);
  });

  it('refuses scheme names and cookie names that are not HTTP tokens, and an empty prefix list', () => {
    assertProblems(problemsOf(() => resolve({ authHeaderPrefixes: ['Bearer', 'JWT Token'], authCookie: 'access token' })), [
      /^authHeaderPrefixes: "JWT Token" is not a valid scheme name$/,
      /^authCookie: "access token" is not a valid cookie name$/,
    ]);
    assertProblems(problemsOf(() => resolve({ authHeaderPrefixes: [] })), [/^authHeaderPrefixes: must be a non-empty array/]);
  });

  it('refuses wrongly typed switches and limits', () => {
    assertProblems(problemsOf(() => resolve({ headerRules: 'no' as unknown as boolean, maxDevicesPerUser: 1.5, usernameField: 'e-mail', issuer: '' })), [
      /^headerRules: must be true or false \(got "no"\)$/,
      /^maxDevicesPerUser: must be a positive integer/,
      /^usernameField: must be a field name/,
      /^issuer: must be a non-empty string$/,
    ]);
  });
  it('invalidation: takes { redis: { url, channel? } }, { postgres: true | { channel? } } or { bus }, and names every problem without quoting the URL', () => {
    assert.deepEqual(resolve({ invalidation: { redis: { url: 'redis://127.0.0.1:6379' } } }).invalidation, { redis: { url: 'redis://127.0.0.1:6379' } });
    const bus = { publish: async () => undefined, subscribe: () => undefined, trusted: false };
    assert.equal((resolve({ invalidation: { bus } }).invalidation as { bus: unknown }).bus, bus);
    assert.equal(resolve({}).invalidation, undefined);
    assert.deepEqual(resolve({ invalidation: { postgres: true } }).invalidation, { postgres: true });
    assert.deepEqual(resolve({ invalidation: { postgres: { channel: 'app_revoked' } } }).invalidation, { postgres: { channel: 'app_revoked' } });
    assertProblems(problemsOf(() => resolve({ invalidation: { postgres: false } as never })), [/^invalidation: postgres: must be true or \{ channel\? \} \(got boolean\)$/]);
    assertProblems(problemsOf(() => resolve({ invalidation: { postgres: { channel: 7 } } as never })), [/^invalidation: postgres[.]channel: must be a non-empty string$/]);
    const secretUrl = 'http://user:hunter2-secret@redis.internal';
    const problems = problemsOf(() => resolve({ invalidation: { redis: { url: secretUrl, channel: '', db: 2 } } as never }));
    assertProblems(problems, [/^invalidation: redis[.]db: unknown option$/, /^invalidation: redis[.]url: must be a redis:\/\/ or rediss:\/\/ URL$/, /^invalidation: redis[.]channel: must be a non-empty string$/]);
    assert.ok(!problems.join('\n').includes('hunter2'));
    assertProblems(problemsOf(() => resolve({ invalidation: { redis: { url: 'redis://x' }, bus } as never })), [/^invalidation: must have exactly one of redis, postgres or bus \(got redis, bus\)$/]);
    assertProblems(problemsOf(() => resolve({ invalidation: { bus: { publish: () => undefined } } as never })), [/^invalidation: bus: must be a DeviceInvalidationBus/]);
    assertProblems(problemsOf(() => resolve({ invalidation: 'redis://x' as never })), [/^invalidation: must be \{ redis: \{ url \} \}, \{ postgres: true \} or \{ bus \} \(got "redis:\/\/x"\)$/]);
  });

  it('invalidation without a device cache is accepted, with a warning', () => {
    const resolved = resolve({ invalidation: { redis: { url: 'redis://127.0.0.1:6379' } } });
    assert.deepEqual(optionWarnings(resolved), ['invalidation is set but deviceCacheTtl is 0: there is no device cache to invalidate, so it only costs connections']);
    assert.deepEqual(optionWarnings(resolve({ invalidation: { redis: { url: 'redis://127.0.0.1:6379' } }, deviceCacheTtl: 60 })), []);
  });

  it('refuses userCacheTtl without deviceCacheTtl, since the user is kept with its device', () => {
    assert.deepEqual(problemsOf(() => resolve({ userCacheTtl: 60 })), [
      "userCacheTtl: 60 s needs deviceCacheTtl > 0, since a user is kept with its device's cache entry",
    ]);
    assert.equal(resolve({ userCacheTtl: '1m', deviceCacheTtl: '5m' }).userCacheTtl, 60);
  });
});

describe('parseDuration', () => {
  for (const [input, seconds] of [[45, 45], ['45', 45], ['90s', 90], ['30m', 1800], ['12h', 43200], ['7d', 604800], ['1w', 604800], ['1.5h', 5400], ['500ms', 0.5]] as const) {
    it(`reads ${JSON.stringify(input)} as ${seconds} s`, () => {
      assert.equal(parseDuration(input), seconds);
    });
  }

  for (const input of [-1, Number.NaN, Number.POSITIVE_INFINITY, '-5m', '5 minutes', '5y', '', 'm', null, true, ['5m'], {}]) {
    it(`refuses ${typeof input === 'number' ? String(input) : JSON.stringify(input)} with a message`, () => {
      assert.equal(typeof parseDuration(input), 'string');
    });
  }

});
