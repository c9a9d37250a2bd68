import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSampleApp } from '../../sample-app/bootstrap.js';
import { ConfigService } from '@nestjs/config';
import { parseEnv, SampleAppConfigError, type AppConfig } from '../../sample-app/config/env.schema.js';
import { jwtDevicesOptions } from '../../sample-app/config/jwt-devices-options.js';
import { TEST_PASSWORD_HASH_COST } from '../fixtures/test-password-hash-cost.js';

const SECRET = 'sample-app-environment-secret-of-32-bytes';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseEnv(env);
  } catch (error: unknown) {
    assert.ok(error instanceof SampleAppConfigError, String(error));
    assert.equal(error.message, `Invalid sample-app configuration:\n${error.problems.map((problem) => `  - ${problem}`).join('\n')}`);
    return error.problems;
  }
  return assert.fail('the environment was accepted');
}

describe("the sample app's environment", () => {
  it('one error lists every bad variable, quoting each value but never a secret or the database URL', () => {
    const problems = problemsOf({
      PORT: '08080',
      HTTP_ADAPTER: 'koa',
      DATABASE_URL: 'redis://admin:hunter2@127.0.0.1/0',
      JWT_SECRET: 'hunter2-is-not-quoted',
      THROTTLE_TTL: '0',
      PASSWORD_HASH_COST: '1e1',
      JWT_DEVICES_ALLOW_REFRESH: 'TRUE',
      JWT_DEVICES_LEEWAY: 'abc',
      JWT_DEVICES_AUTH_HEADER_PREFIXES: ' , ',
      JWT_DEVICES_MAX_DEVICES_PER_USER: '0',
      JWT_DEVICES_USER_ID_TYPE: 'uuid',
      JWT_DEVICES_ROUTES: 'no',
    });
    assert.deepEqual(problems, [
      'PORT: must be a whole number from 0 to 65535 (got "08080")',
      'HTTP_ADAPTER: must be one of express, fastify (got "koa")',
      'DATABASE_URL: unsupported scheme; use sqlite:PATH, postgres://…, postgresql://…, mysql://… or mariadb://…',
      'THROTTLE_TTL: must be a whole number from 1 to 2147483 (got "0")',
      'PASSWORD_HASH_COST: must be a whole number from 10 to 20 (got "1e1")',
      'JWT_DEVICES_LEEWAY: must be seconds or a duration such as \'90s\', \'30m\', \'12h\', \'7d\' (got "abc")',
      'JWT_DEVICES_AUTH_HEADER_PREFIXES: must be a comma-separated list such as Bearer,JWT (got ",")',
      'JWT_DEVICES_ALLOW_REFRESH: must be true, false, 1 or 0 (got "TRUE")',
      'JWT_DEVICES_MAX_DEVICES_PER_USER: must be a whole number of at least 1 (got "0")',
      'JWT_DEVICES_USER_ID_TYPE: must be one of number, string (got "uuid")',
      'JWT_DEVICES_ROUTES: must be true, false, 1 or 0 (got "no")',
    ]);
  });

  it('an empty variable is unset, values are trimmed but secrets and keys are kept exactly, and the defaults fill the rest', () => {
    const env = parseEnv({
      PORT: '',
      HTTP_ADAPTER: ' fastify ',
      DATABASE_URL: ' sqlite::memory: ',
      JWT_SECRET: ` ${SECRET} `,
      THROTTLE_LIMIT: ' ',
      JWT_DEVICES_ACCESS_TOKEN_TTL: '30m',
      JWT_DEVICES_ALLOW_REFRESH: '1',
      JWT_DEVICES_HEADER_RULES: 'false',
      JWT_DEVICES_AUTH_HEADER_PREFIXES: 'Bearer, JWT,',
      JWT_DEVICES_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----',
      UNRELATED: 'ignored',
    });
    assert.deepEqual(env, {
      PORT: 3000,
      HTTP_ADAPTER: 'fastify',
      DATABASE_URL: 'sqlite::memory:',
      JWT_SECRET: ` ${SECRET} `,
      THROTTLE_LIMIT: 10,
      THROTTLE_TTL: 60,
      PURGE_INTERVAL: 3600,
      PASSWORD_HASH_COST: 17,
      JWT_DEVICES_ACCESS_TOKEN_TTL: 1800,
      JWT_DEVICES_ALLOW_REFRESH: true,
      JWT_DEVICES_HEADER_RULES: false,
      JWT_DEVICES_AUTH_HEADER_PREFIXES: ['Bearer', 'JWT'],
      JWT_DEVICES_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      JWT_DEVICES_ROUTES: true,
    });
  });

  it('REDIS_URL turns push invalidation on, JWT_DEVICES_INVALIDATION (postgres, or another Redis) comes first, and a bad URL is refused unquoted', () => {
    const options = (env: Record<string, string>) => jwtDevicesOptions(new ConfigService(parseEnv({ JWT_SECRET: SECRET, ...env })) as AppConfig);
    assert.equal(options({}).invalidation, undefined);
    assert.deepEqual(options({ REDIS_URL: 'redis://127.0.0.1:6379' }).invalidation, { redis: { url: 'redis://127.0.0.1:6379' } });
    assert.deepEqual(options({ REDIS_URL: 'redis://a:6379', JWT_DEVICES_INVALIDATION: 'rediss://b:6380' }).invalidation, { redis: { url: 'rediss://b:6380' } });
    assert.deepEqual(options({ REDIS_URL: 'redis://a:6379', JWT_DEVICES_INVALIDATION: 'postgres' }).invalidation, { postgres: true });
    assert.deepEqual(problemsOf({ REDIS_URL: 'http://user:hunter2@redis', JWT_DEVICES_INVALIDATION: 'mysql://user:hunter2@db' }), [
      'REDIS_URL: must be a redis:// or rediss:// URL',
      'JWT_DEVICES_INVALIDATION: must be postgres or a redis:// or rediss:// URL',
    ]);
  });

  it('an app booted in-process reads only the env object it is given, and leaves process.env as it was', async () => {
    const before = { ...process.env };
    // Would stop the boot (leeway at most 120 s) if the app's ConfigService fell back to process.env.
    process.env.JWT_DEVICES_LEEWAY = '999';
    try {
      const { app } = await createSampleApp(
        { DATABASE_URL: 'sqlite::memory:', JWT_SECRET: SECRET, THROTTLE_LIMIT: '0', PURGE_INTERVAL: '0', PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST },
        { logger: false },
      );
      await app.close();
      delete process.env.JWT_DEVICES_LEEWAY;
      assert.deepEqual({ ...process.env }, before);
    } finally {
      delete process.env.JWT_DEVICES_LEEWAY;
    }
  });
});
