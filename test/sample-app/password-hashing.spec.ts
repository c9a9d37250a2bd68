import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { useSampleApp, type InProcessSampleApp } from '../fixtures/sample-app-in-process.js';
import { TEST_PASSWORD_HASH_COST } from '../fixtures/test-password-hash-cost.js';

const PASSWORD = 'long enough password';

function dataSourceOf(sample: InProcessSampleApp): DataSource {
  return sample.app.get<DataSource>(getDataSourceToken());
}

async function storedHash(sample: InProcessSampleApp, username: string): Promise<string> {
  const rows: Array<{ password_hash: string }> = await dataSourceOf(sample).query('SELECT password_hash FROM sample_app_user WHERE username = ?', [username]);
  assert.equal(rows.length, 1, `no user ${username}`);
  return rows[0].password_hash;
}

async function signUp(sample: InProcessSampleApp, username: string): Promise<void> {
  const response = await sample.call({ method: 'POST', path: '/users', body: { username, password: PASSWORD } });
  assert.equal(response.status, 201, response.text);
}

const login = (sample: InProcessSampleApp, username: string, password = PASSWORD) =>
  sample.call({ method: 'POST', path: '/auth-token', body: { username, password } });

/** A hash as the sample app stored them before its cost was raised: scrypt N = 2^14, r = 8, p = 1. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 64, { N: 2 ** 14, r: 8, p: 1 });
  return ['scrypt', 2 ** 14, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

describe('the sample app\'s password hashes at the default cost (no PASSWORD_HASH_COST)', () => {
  const sample = useSampleApp('express', { PASSWORD_HASH_COST: '' });

  it('stores scrypt with OWASP\'s parameters, N = 2^17, r = 8, p = 1, and logs the user in with it', async () => {
    await signUp(sample(), 'quinn');
    assert.match(await storedHash(sample(), 'quinn'), /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    const response = await login(sample(), 'quinn');
    assert.equal(response.status, 200, response.text);
  });
});

describe(`the sample app's password hashes with PASSWORD_HASH_COST=${TEST_PASSWORD_HASH_COST}`, () => {
  const sample = useSampleApp('express');
  const current = new RegExp(`^scrypt\\$${2 ** Number(TEST_PASSWORD_HASH_COST)}\\$8\\$1\\$`);
  before(async () => {
    const insert = 'INSERT INTO sample_app_user (username, email, password_hash, is_active) VALUES (?, NULL, ?, 1)';
    for (const username of ['rosa', 'sven']) await dataSourceOf(sample()).query(insert, [username, legacyHash(PASSWORD)]);
    // N = 2^20, r = 32, p = 16: 4 GiB and thousands of times the work of one hash, were it ever run.
    const planted = ['scrypt', 2 ** 20, 32, 16, randomBytes(16).toString('base64url'), randomBytes(64).toString('base64url')].join('$');
    await dataSourceOf(sample()).query(insert, ['uma', planted]);
  });

  it('stores new hashes at the configured cost', async () => {
    await signUp(sample(), 'tara');
    assert.match(await storedHash(sample(), 'tara'), current);
  });

  it('still logs in a user whose hash was made at the old cost, N = 2^14, and rehashes it at the current cost', async () => {
    const old = await storedHash(sample(), 'rosa');
    const first = await login(sample(), 'rosa');
    assert.equal(first.status, 200, first.text);
    const rehashed = await storedHash(sample(), 'rosa');
    assert.notEqual(rehashed, old);
    assert.match(rehashed, current);
    const again = await login(sample(), 'rosa');
    assert.equal(again.status, 200, again.text);
    assert.equal(await storedHash(sample(), 'rosa'), rehashed, 'a current hash is kept');
  });

  it('refuses at once a stored hash whose parameters would cost gigabytes, as a malformed one', async () => {
    const response = await login(sample(), 'uma');
    assert.equal(response.status, 400, response.text);
    assert.deepEqual(response.json, { statusCode: 400, message: 'Unable to log in with provided credentials.', error: 'Bad Request' });
  });

  it('refuses a wrong password against an old hash and leaves the hash alone', async () => {
    const old = await storedHash(sample(), 'sven');
    const response = await login(sample(), 'sven', 'wrong password!');
    assert.equal(response.status, 400, response.text);
    assert.equal(await storedHash(sample(), 'sven'), old);
  });
});
