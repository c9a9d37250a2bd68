import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConsoleLogger, Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesConfigError, JwtDevicesModule, type JwtAlgorithm, type JwtDevicesModuleOptions } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { SampleAppProcess } from '../fixtures/sample-app-process.js';
import { TEST_SECRET } from '../fixtures/test-app.js';
import { TestUsers } from '../fixtures/test-users.js';
import { rsaPair } from './support/jws-forge.js';

const userService = new TestUsers();
const SHORT_SECRET = 'a-secret-of-exactly-31-bytes-xx';
const STRONG_RSA = rsaPair(2048);
const WEAK_RSA = rsaPair(1024);
const WEAKER_RSA = rsaPair(1536);
const OTHER_RSA = rsaPair(2048);
const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
const p256Pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding, privateKeyEncoding });
const ed25519Pair = () => generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding });
const [P256, OTHER_P256, ED25519] = [p256Pair(), p256Pair(), ed25519Pair()];
const RSA_PUBLIC_DER = createPublicKey(STRONG_RSA.publicKey).export({ type: 'spki', format: 'der' });
const RSA_PUBLIC_BASE64 = RSA_PUBLIC_DER.toString('base64');
const RSA_PUBLIC_JWK = JSON.stringify(createPublicKey(STRONG_RSA.publicKey).export({ format: 'jwk' }));
const ED25519_OPENSSH = openSshEd25519(ED25519.publicKey);
const PAIR_MISMATCH = /^privateKey, publicKey: not one key pair; tokens signed with privateKey would fail to verify with publicKey$/;
const PUBLIC_KEY_SECRET = (form: string) => new RegExp(`^secret: looks like a public key \\(${form}\\); a public key is no secret, so anyone who has it could sign HS256 tokens`);

/** An `authorized_keys` line: the key type and the raw key, each as a length-prefixed field, in base64. */
function openSshEd25519(publicKeyPem: string): string {
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const raw = Buffer.from(createPublicKey(publicKeyPem).export({ format: 'jwk' }).x!, 'base64url');
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} ops@example`;
}

interface WeakConfig {
  name: string;
  options: Partial<JwtDevicesModuleOptions>;
  /** The problem the error must name. */
  problem: RegExp;
  /** Values that must not appear in the error (secrets and private keys). */
  hidden?: string[];
}

const asymmetric = (algorithm: JwtAlgorithm, keys: Partial<{ privateKey: string; publicKey: string }>): Partial<JwtDevicesModuleOptions> => ({
  algorithm,
  secret: undefined,
  ...keys,
});

const WEAK_CONFIGS: WeakConfig[] = [
  { name: 'an HS256 secret of 31 bytes', options: { secret: SHORT_SECRET }, problem: /^secret: must be at least 32 bytes for HS256 \(got 31\)$/, hidden: [SHORT_SECRET] },
  { name: 'an HS512 secret of 16 bytes given as a Buffer', options: { algorithm: 'HS512', secret: Buffer.from('0123456789abcdef') }, problem: /^secret: must be at least 32 bytes for HS512/, hidden: ['0123456789abcdef'] },
  { name: 'a secret of 15 two-byte characters (30 bytes)', options: { secret: 'é'.repeat(15) }, problem: /^secret: must be at least 32 bytes/, hidden: ['é'.repeat(15)] },
  { name: 'an empty secret', options: { secret: '' }, problem: /^secret: must be at least 32 bytes/ },
  { name: 'no secret', options: { secret: undefined }, problem: /^secret: required for HS256/ },
  ...['none', 'None', 'NONE', ''].map((algorithm) => ({
    name: `algorithm ${JSON.stringify(algorithm)}`,
    options: { algorithm: algorithm as JwtAlgorithm },
    problem: /^algorithm: must be one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 \(got/,
  })),
  {
    name: "algorithm 'EdDSA' (jsonwebtoken, under @nestjs/jwt, has none)",
    options: asymmetric('EdDSA' as JwtAlgorithm, ED25519),
    problem: /^algorithm: EdDSA is not supported: access tokens are signed and verified by @nestjs\/jwt \(jsonwebtoken 9\), which has no EdDSA; use ES256/,
    hidden: [ED25519.privateKey],
  },
  { name: 'PS256 with a P-256 key pair', options: asymmetric('PS256', P256), problem: /^privateKey: a ec key cannot be used with PS256$/, hidden: [P256.privateKey] },
  { name: 'PS256 with a 1024-bit RSA key pair', options: asymmetric('PS256', WEAK_RSA), problem: /^privateKey: RSA keys must have at least 2048 bits$/, hidden: [WEAK_RSA.privateKey] },
  { name: 'a leeway of 121 s', options: { leeway: 121 }, problem: /^leeway: must be at most 120 seconds \(got 121\)$/ },
  { name: "a leeway of '3m'", options: { leeway: '3m' }, problem: /^leeway: must be at most 120 seconds \(got 180\)$/ },
  { name: 'a negative leeway', options: { leeway: -1 }, problem: /^leeway: must be a non-negative number/ },
  { name: 'RS256 without keys', options: asymmetric('RS256', {}), problem: /^privateKey, publicKey: both required for RS256$/ },
  { name: 'RS256 with only a public key', options: asymmetric('RS256', { publicKey: STRONG_RSA.publicKey }), problem: /^privateKey, publicKey: both required for RS256$/ },
  { name: 'RS256 with a secret instead of keys', options: { algorithm: 'RS256', secret: TEST_SECRET }, problem: /^secret: not used by RS256/, hidden: [TEST_SECRET] },
  { name: 'ES256 without keys', options: asymmetric('ES256', {}), problem: /^privateKey, publicKey: both required for ES256$/ },
  { name: 'PS256 without keys', options: asymmetric('PS256', {}), problem: /^privateKey, publicKey: both required for PS256$/ },
  { name: 'RS256 with a 1024-bit RSA key pair', options: asymmetric('RS256', WEAK_RSA), problem: /^privateKey: RSA keys must have at least 2048 bits$/, hidden: [WEAK_RSA.privateKey] },
  { name: 'RS256 with a 1536-bit RSA key pair', options: asymmetric('RS256', WEAKER_RSA), problem: /^publicKey: RSA keys must have at least 2048 bits$/, hidden: [WEAKER_RSA.privateKey] },
  { name: 'RS256 with a strong private key and a 1024-bit public key', options: asymmetric('RS256', { privateKey: STRONG_RSA.privateKey, publicKey: WEAK_RSA.publicKey }), problem: /^publicKey: RSA keys must have at least 2048 bits$/, hidden: [STRONG_RSA.privateKey] },
  {
    name: 'RS256 with a private key that does not match the public key',
    options: asymmetric('RS256', { privateKey: STRONG_RSA.privateKey, publicKey: OTHER_RSA.publicKey }),
    problem: PAIR_MISMATCH,
    hidden: [STRONG_RSA.privateKey],
  },
  { name: 'ES256 with two P-256 keys of different pairs', options: asymmetric('ES256', { privateKey: P256.privateKey, publicKey: OTHER_P256.publicKey }), problem: PAIR_MISMATCH, hidden: [P256.privateKey] },
  { name: 'PS256 with two RSA keys of different pairs', options: asymmetric('PS256', { privateKey: STRONG_RSA.privateKey, publicKey: OTHER_RSA.publicKey }), problem: PAIR_MISMATCH, hidden: [STRONG_RSA.privateKey] },
  { name: 'an RSA public key as the HS256 secret, as DER bytes', options: { secret: RSA_PUBLIC_DER }, problem: PUBLIC_KEY_SECRET('DER') },
  { name: 'an RSA public key as the HS256 secret, as JWK text', options: { secret: RSA_PUBLIC_JWK }, problem: PUBLIC_KEY_SECRET('JWK') },
  { name: 'an RSA public key as the HS256 secret, as base64 SPKI on one line', options: { secret: RSA_PUBLIC_BASE64 }, problem: PUBLIC_KEY_SECRET('base64 DER') },
  { name: 'an RSA public key as the HS256 secret, as a PEM body without its armor', options: { secret: RSA_PUBLIC_BASE64.replace(/(.{64})/g, '$1\n') }, problem: PUBLIC_KEY_SECRET('base64 DER') },
  { name: 'an Ed25519 public key as the HS256 secret, as an OpenSSH line', options: { secret: ED25519_OPENSSH }, problem: PUBLIC_KEY_SECRET('OpenSSH') },
  {
    name: 'a rotation grace period as long as the idle expiry',
    options: { rotationGracePeriod: '30m', permanentTokenExpirationDelta: '30m', permanentTokenExpirationAccuracy: '5m' },
    problem: /^rotationGracePeriod: must be shorter than permanentTokenExpirationDelta, or a replayed previous token never revokes its device$/,
  },
];

/** The JwtDevicesConfigError thrown, checked to name `problem` and to show none of `hidden`. */
function assertConfigError(error: unknown, { problem, hidden = [] }: Pick<WeakConfig, 'problem' | 'hidden'>): true {
  assert.ok(error instanceof JwtDevicesConfigError, `expected a JwtDevicesConfigError, got ${String(error)}`);
  assert.ok(error.problems.some((line) => problem.test(line)), `no problem matches ${problem}: ${JSON.stringify(error.problems)}`);
  for (const value of hidden) {
    assert.ok(!error.message.includes(value), 'the error shows a secret value');
    assert.ok(!JSON.stringify(error.problems).includes(JSON.stringify(value).slice(1, -1)), 'a problem shows a secret value');
  }
  return true;
}

/** 'listening' when the sample app started (it is stopped again), else the error SampleAppProcess threw: exit code and output. */
async function outcomeOf(starting: Promise<SampleAppProcess>): Promise<string> {
  try {
    await (await starting).stop();
    return 'listening';
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Keeps what Nest logs at warning level, as `[context] message`. */
class WarningLog extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown, context?: string): void {
    this.warnings.push(`[${context}] ${String(message)}`);
  }
  override log(): void {}
}

/** Boots a real Nest app around the module; NestFactory rethrows instead of aborting the process. */
async function boot(options: Partial<JwtDevicesModuleOptions>, via: 'forRoot' | 'forRootAsync', logger: LoggerService | false = false): Promise<void> {
  const runtime = { secret: TEST_SECRET, ...options, userService } as JwtDevicesModuleOptions;
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', autoLoadEntities: true, synchronize: true }),
      via === 'forRoot' ? JwtDevicesModule.forRoot(runtime) : JwtDevicesModule.forRootAsync({ useFactory: async () => runtime }),
    ],
  })
  class WeakAppModule {}
  const app = await NestFactory.create(WeakAppModule, { logger, abortOnError: false });
  await app.close();
}

describe('weak configurations are refused by resolveOptions', () => {
  it('a strong configuration passes, so each refusal below is the weakness at work', () => {
    assert.equal(resolveOptions({ secret: TEST_SECRET, userService }).algorithm, 'HS256');
    assert.equal(resolveOptions({ ...asymmetric('RS256', STRONG_RSA), userService }).algorithm, 'RS256');
  });

  for (const weak of WEAK_CONFIGS) {
    it(`refuses ${weak.name}, naming the problem and no secret`, () => {
      assert.throws(() => resolveOptions({ secret: TEST_SECRET, ...weak.options, userService }), (error) => assertConfigError(error, weak));
    });
  }

  it('lists every weakness of one configuration in one error', () => {
    const options = { algorithm: 'HS256' as const, secret: SHORT_SECRET, leeway: 300, rotationGracePeriod: '8d', userService };
    assert.throws(
      () => resolveOptions(options),
      (error: unknown) => {
        for (const problem of [/^secret: must be at least 32 bytes/, /^leeway: must be at most 120/, /^rotationGracePeriod: must be shorter/]) assertConfigError(error, { problem, hidden: [SHORT_SECRET] });
        return true;
      },
    );
  });

  it('lists a key refusal with the other problems, in the one error', () => {
    const options = { ...asymmetric('RS256', { privateKey: STRONG_RSA.privateKey, publicKey: OTHER_RSA.publicKey }), leeway: 300, userService };
    assert.throws(
      () => resolveOptions(options),
      (error: unknown) => {
        for (const problem of [PAIR_MISMATCH, /^leeway: must be at most 120/]) assertConfigError(error, { problem, hidden: [STRONG_RSA.privateKey] });
        return true;
      },
    );
  });

  it('accepts a random 32-byte secret given as base64, though a public key in base64 is refused', () => {
    for (let round = 0; round < 20; round++) assert.equal(resolveOptions({ secret: randomBytes(32).toString('base64'), userService }).algorithm, 'HS256');
  });

  it('refuses the public key PEM given as an HMAC secret (anyone holding the public key could sign)', () => {
    const publicKey = createPublicKey(STRONG_RSA.publicKey).export({ type: 'spki', format: 'pem' }) as string;
    assert.throws(() => resolveOptions({ secret: publicKey, userService }), JwtDevicesConfigError);
  });
});

describe('weak configurations stop the app at boot', () => {
  const BOOTED: WeakConfig[] = WEAK_CONFIGS.filter(({ name }) =>
    ['an HS256 secret of 31 bytes', 'algorithm "none"', 'a leeway of 121 s', 'RS256 without keys', 'RS256 with a 1024-bit RSA key pair', 'a rotation grace period as long as the idle expiry',
      'RS256 with a private key that does not match the public key', 'an RSA public key as the HS256 secret, as base64 SPKI on one line'].includes(name),
  );

  it('a strong configuration boots, so each failure below is the weakness at work', async () => {
    await boot({}, 'forRoot');
    await boot({}, 'forRootAsync');
  });

  for (const weak of BOOTED) {
    for (const via of ['forRoot', 'forRootAsync'] as const) {
      it(`${via}: ${weak.name} fails the boot with a JwtDevicesConfigError naming it`, async () => {
        await assert.rejects(boot(weak.options, via), (error) => assertConfigError(error, weak));
      });
    }
  }
});

describe('an unusual but sound configuration boots, with a warning', () => {
  const LONG_ACCESS_TOKENS = { accessTokenTtl: 7200, permanentTokenExpirationDelta: 3600, permanentTokenExpirationAccuracy: 60 };
  const WARNING = /^\[JwtDevicesModule\] accessTokenTtl \(7200 s\) is longer than permanentTokenExpirationDelta \(3600 s\): a device not refreshed within the idle window expires/;

  for (const via of ['forRoot', 'forRootAsync'] as const) {
    it(`${via}: an access token longer than the idle window boots, and the module warns once, naming both options`, async () => {
      const log = new WarningLog();
      await boot(LONG_ACCESS_TOKENS, via, log);
      assert.equal(log.warnings.length, 1, JSON.stringify(log.warnings));
      assert.match(log.warnings[0], WARNING);
    });
  }

  it('the defaults boot without a warning, so the one above is the combination at work', async () => {
    const log = new WarningLog();
    await boot({}, 'forRootAsync', log);
    assert.deepEqual(log.warnings, []);
  });
});

describe('weak configurations stop the sample app, configured by its environment', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sample-app-weak-config-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  let databases = 0;
  const databaseUrl = () => `sqlite:${path.join(folder, `app-${++databases}.sqlite`)}`;
  const pem = (text: string) => text.replace(/\n/g, '\\n');

  const cases: Array<{ name: string; env: Record<string, string>; problem: RegExp; hidden?: string[] }> = [
    { name: 'a JWT_SECRET of 31 bytes', env: { JWT_SECRET: SHORT_SECRET }, problem: /secret: must be at least 32 bytes for HS256 \(got 31\)/, hidden: [SHORT_SECRET] },
    { name: 'JWT_DEVICES_ALGORITHM=none', env: { JWT_DEVICES_ALGORITHM: 'none' }, problem: /JWT_DEVICES_ALGORITHM: must be one of HS256, /, hidden: [] },
    { name: 'JWT_DEVICES_LEEWAY=121', env: { JWT_DEVICES_LEEWAY: '121' }, problem: /leeway: must be at most 120 seconds/ },
    { name: 'JWT_DEVICES_ALGORITHM=RS256 without keys', env: { JWT_DEVICES_ALGORITHM: 'RS256' }, problem: /privateKey, publicKey: both required for RS256/ },
    {
      name: 'a 1024-bit RSA key pair',
      env: { JWT_DEVICES_ALGORITHM: 'RS256', JWT_DEVICES_PRIVATE_KEY: pem(WEAK_RSA.privateKey), JWT_DEVICES_PUBLIC_KEY: pem(WEAK_RSA.publicKey) },
      problem: /RSA keys must have at least 2048 bits/,
      hidden: [WEAK_RSA.privateKey.split('\n')[1]],
    },
    {
      name: 'an RS256 private key that does not match the public key',
      env: { JWT_DEVICES_ALGORITHM: 'RS256', JWT_DEVICES_PRIVATE_KEY: pem(STRONG_RSA.privateKey), JWT_DEVICES_PUBLIC_KEY: pem(OTHER_RSA.publicKey) },
      problem: /privateKey, publicKey: not one key pair/,
      hidden: [STRONG_RSA.privateKey.split('\n')[1]],
    },
    { name: 'a JWT_SECRET that is an RSA public key in base64', env: { JWT_SECRET: RSA_PUBLIC_BASE64 }, problem: /secret: looks like a public key \(base64 DER\); a public key is no secret/ },
    { name: 'JWT_DEVICES_ROTATION_GRACE_PERIOD=7d', env: { JWT_DEVICES_ROTATION_GRACE_PERIOD: '7d' }, problem: /rotationGracePeriod: must be shorter than permanentTokenExpirationDelta/ },
  ];

  it('a strong environment starts and listens, so each failure below is the weakness at work', async () => {
    assert.equal(await outcomeOf(SampleAppProcess.start({ DATABASE_URL: databaseUrl(), JWT_SECRET: TEST_SECRET })), 'listening');
  });

  it('JWT_DEVICES_ACCESS_TOKEN_TTL=8d (longer than the 7-day idle expiry) starts and listens, and the module warns', async () => {
    const app = await SampleAppProcess.start({ DATABASE_URL: databaseUrl(), JWT_SECRET: TEST_SECRET, JWT_DEVICES_ACCESS_TOKEN_TTL: '8d', NO_COLOR: '1' });
    await app.stop();
    assert.match(app.output(), /WARN \[JwtDevicesModule\] accessTokenTtl \(691200 s\) is longer than permanentTokenExpirationDelta \(604800 s\)/);
  });

  for (const { name, env, problem, hidden = [] } of cases) {
    it(`${name}: exits non-zero, prints the problem and never listens`, async () => {
      const strongSecret: Record<string, string> = env.JWT_DEVICES_ALGORITHM?.startsWith('RS') ? {} : { JWT_SECRET: TEST_SECRET };
      const message = await outcomeOf(SampleAppProcess.start({ DATABASE_URL: databaseUrl(), ...strongSecret, ...env }));
      assert.match(message, /^sample app exited with [1-9]\d*:/, message);
      assert.match(message, problem);
      assert.doesNotMatch(message, /listening on/);
      for (const value of hidden) assert.ok(!message.includes(value), 'the output shows a secret value');
    });
  }
});
