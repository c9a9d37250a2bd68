import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JwtDevicesDefaults, type JwtDevicesModuleOptions } from '../../lib/index.js';
import { envSchema } from '../../sample-app/config/env.schema.js';
import { REPO_ROOT } from './documentation-files.js';

/** docs/configuration.md names every module option and every variable the sample app reads. */

const reference = readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
const mentioned = (name: string) => reference.includes(`\`${name}\``);

// Options without a default are listed here; the mapped type makes a new option a compile error until it is added.
const OPTIONS: { [K in keyof Required<JwtDevicesModuleOptions>]: true } = {
  secret: true, privateKey: true, publicKey: true, jwtModuleOptions: true, permanentTokenSecrets: true, algorithm: true, accessTokenTtl: true, leeway: true, issuer: true,
  audience: true, authHeaderPrefixes: true, authCookie: true, allowRefresh: true, refreshExpirationDelta: true,
  permanentTokenAuth: true, permanentTokenExpirationDelta: true, permanentTokenExpirationAccuracy: true,
  permanentTokenMaxAge: true, rotatePermanentTokens: true, rotationGracePeriod: true, deviceCacheTtl: true, userCacheTtl: true,
  invalidation: true, maxDevicesPerUser: true, usernameField: true, userIdType: true, headerRules: true, storeClientAddress: true,
  userService: true, routes: true, providers: true, isGlobal: true,
};

describe('docs/configuration.md against the code', () => {
  it('names every module option, those with defaults included', () => {
    const names = new Set([...Object.keys(OPTIONS), ...Object.keys(new JwtDevicesDefaults())]);
    assert.deepEqual([...names].filter((name) => !mentioned(name)), []);
  });

  it("names every environment variable the sample app reads", () => {
    const variables = Object.keys(envSchema.shape);
    assert.ok(variables.length > 30, 'expected the sample app to list its variables');
    assert.deepEqual(variables.filter((name) => !mentioned(name)), []);
  });
});
