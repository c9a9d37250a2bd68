import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LoginBody } from '../fixtures/test-app.js';
import { SampleAppProcess } from '../fixtures/sample-app-process.js';
import { TEST_PASSWORD_HASH_COST } from '../fixtures/test-password-hash-cost.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestOptions } from '../support/http.js';
import { bearer, useArena, type Arena } from './support/arena.js';
import { assertCleanError, MESSAGES } from './support/clean-errors.js';
import { PASSWORD, SAMPLE_SECRET, useSampleApp, type InProcessSampleApp } from './support/sample-app.js';

// Counts password hashes, not milliseconds: every scrypt the sample app's hasher runs passes here.
// The hasher binds `scrypt` when it loads, so the spy goes in before the sample app is imported.
const scrypt = mock.method(crypto, 'scrypt');
syncBuiltinESMExports();

/** Status, body bytes and every header but Date: what a client could tell two answers apart by. */
function fingerprint(response: HttpResponse): object {
  const { date: _date, ...headers } = response.headers;
  return { status: response.status, text: response.text, headers };
}

function assertIndistinguishable(answers: Array<[string, HttpResponse]>): void {
  const [[firstName, first], ...rest] = answers;
  for (const [name, answer] of rest) {
    assert.deepEqual(fingerprint(answer), fingerprint(first), `${name} answers unlike ${firstName}`);
  }
}

/** Sends each request in turn, checks none changed the store, and returns the answers by name. */
async function answersOf(arena: Arena, requests: Array<[string, RequestOptions]>): Promise<Array<[string, HttpResponse]>> {
  const answers: Array<[string, HttpResponse]> = [];
  for (const [name, request] of requests) {
    const before = await arena.snapshot();
    answers.push([name, await arena.request(request)]);
    assert.deepEqual(await arena.snapshot(), before, `${name} changed the store`);
  }
  return answers;
}

const loginAs = (username: string, password: string): RequestOptions => ({ method: 'POST', path: '/auth-token', body: { username, password } });
const refreshWith = (token: string): RequestOptions => ({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token } });

forEachServer((database) => {
  describe('the module tells an attacker nothing about which accounts, tokens or devices exist', () => {
    const arena = useArena(useFreshDatabase(database));
    let carol: LoginBody;
    let dave: LoginBody;
    let gone: LoginBody;
    let rotatedAway: string;
    let bobDeviceId: number;
    before(async () => {
      const a = arena();
      a.app.users.add('carol', 'carol-password');
      a.app.users.add('dave', 'dave-password');
      carol = await a.login('carol');
      dave = await a.login('dave');
      a.app.users.disable('carol');
      a.app.users.remove('dave');
      gone = await a.login('alice');
      assert.equal((await a.request({ method: 'DELETE', path: `/devices/${gone.device_id}`, headers: bearer(gone.token) })).status, 204);
      const rotated = await a.login('alice');
      rotatedAway = rotated.permanent_token;
      assert.equal((await a.refresh(rotatedAway)).status, 200);
      bobDeviceId = (await a.login('bob')).device_id;
    });

    it('login: unknown user, wrong password, disabled and deleted users get byte-identical 400s and no device', async () => {
      const answers = await answersOf(arena(), [
        ['an unknown user', loginAs('mallory', 'alice-password')],
        ['a wrong password', loginAs('alice', 'wrong-password')],
        ['a disabled user with the right password', loginAs('carol', 'carol-password')],
        ['a disabled user with a wrong password', loginAs('carol', 'wrong-password')],
        ['a deleted user with the right password', loginAs('dave', 'dave-password')],
        ['an unknown user of 1024 characters', loginAs('m'.repeat(1024), 'x')],
        ['a username that differs in case', loginAs('ALICE', 'alice-password')],
      ]);
      assertCleanError(answers[0][1], 400, MESSAGES.badCredentials, arena().loot);
      assertIndistinguishable(answers);
    });

    it('device refresh: unknown, malformed, rotated-away, revoked, disabled-user and deleted-user tokens get byte-identical 400s', async () => {
      const answers = await answersOf(arena(), [
        ['a never-issued token', refreshWith('A'.repeat(43))],
        ['a malformed token', refreshWith('not a token!')],
        ['a rotated-away token within the grace period', refreshWith(rotatedAway)],
        ["a logged-out device's token", refreshWith(gone.permanent_token)],
        ["a disabled user's token", refreshWith(carol.permanent_token)],
        ["a deleted user's token", refreshWith(dave.permanent_token)],
      ]);
      assertCleanError(answers[0][1], 400, MESSAGES.invalidPermanentToken, arena().loot);
      assertIndistinguishable(answers);
    });

    it("device ids: another user's device answers byte for byte as a device that never existed or was logged out", async () => {
      const alice = await arena().login('alice');
      const byHeader = (id: number): RequestOptions => ({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(alice.token), 'Device-Id': String(id) } });
      const byPath = (id: number): RequestOptions => ({ method: 'DELETE', path: `/devices/${id}`, headers: bearer(alice.token) });
      for (const route of [byHeader, byPath]) {
        const answers = await answersOf(arena(), [
          ['a device that never existed', route(987654)],
          ["another user's device", route(bobDeviceId)],
          ['a logged-out device', route(gone.device_id)],
        ]);
        assertCleanError(answers[0][1], 404, MESSAGES.deviceNotFound, arena().loot);
        assertIndistinguishable(answers);
      }
    });

    it('access tokens: a bad signature, a logged-out device, a disabled user and a deleted user get byte-identical 401s', async () => {
      const [header, payload] = carol.token.split('.');
      const answers = await answersOf(arena(), [
        ['a bad signature', { method: 'GET', path: '/devices', headers: bearer(`${header}.${payload}.${'A'.repeat(43)}`) }],
        ['a logged-out device', { method: 'GET', path: '/devices', headers: bearer(gone.token) }],
        ['a disabled user', { method: 'GET', path: '/devices', headers: bearer(carol.token) }],
        ['a deleted user', { method: 'GET', path: '/devices', headers: bearer(dave.token) }],
      ]);
      assertCleanError(answers[0][1], 401, MESSAGES.invalidAccessToken, arena().loot);
      assertIndistinguishable(answers);
    });
  });
});

describe('the sample app as a process: login failures are byte-identical', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sample-app-enumeration-'));
  let sample: SampleAppProcess;
  before(async () => {
    sample = await SampleAppProcess.start({ DATABASE_URL: `sqlite:${path.join(folder, 'app.sqlite')}`, JWT_SECRET: SAMPLE_SECRET, THROTTLE_LIMIT: '0' });
    for (const username of ['erin', 'frank', 'grace']) {
      assert.equal((await sample.request({ method: 'POST', path: '/users', body: { username, password: PASSWORD } })).status, 201);
    }
    const frank = await sample.request<LoginBody>({ method: 'POST', path: '/auth-token', body: { username: 'frank', password: PASSWORD } });
    assert.equal((await sample.request({ method: 'POST', path: '/users/me/deactivate', headers: bearer(frank.json!.token) })).status, 204);
    const grace = await sample.request<LoginBody>({ method: 'POST', path: '/auth-token', body: { username: 'grace', password: PASSWORD } });
    assert.equal((await sample.request({ method: 'DELETE', path: '/users/me', headers: bearer(grace.json!.token) })).status, 204);
  });
  after(async () => {
    await sample?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('answers an unknown user, a wrong password, a disabled user and a deleted user alike', async () => {
    const answers: Array<[string, HttpResponse]> = [];
    for (const [name, username, password] of [
      ['an unknown user', 'mallory', PASSWORD],
      ['a wrong password', 'erin', 'wrong password!'],
      ['a disabled user with the right password', 'frank', PASSWORD],
      ['a deleted user with the right password', 'grace', PASSWORD],
      ['a username longer than the column', 'm'.repeat(151), PASSWORD],
    ]) {
      answers.push([name, await sample.request({ method: 'POST', path: '/auth-token', body: { username, password } })]);
    }
    assertCleanError(answers[0][1], 400, MESSAGES.badCredentials);
    assertIndistinguishable(answers);
  });
});

for (const adapter of ['express', 'fastify'] as const) {
  describe(`the sample app (${adapter}) spends one password hash on every login, known user or not`, () => {
    const sample = useSampleApp({ HTTP_ADAPTER: adapter, THROTTLE_LIMIT: '0' });
    let known: HttpResponse;
    before(async () => {
      const s = sample();
      for (const username of ['erin', 'frank', 'grace']) await s.signUp(username);
      const frank = await s.login('frank');
      assert.equal((await s.send({ method: 'POST', path: '/users/me/deactivate', headers: bearer(frank.json!.token) })).status, 204);
      const grace = await s.login('grace');
      assert.equal((await s.send({ method: 'DELETE', path: '/users/me', headers: bearer(grace.json!.token) })).status, 204);
      known = await s.login('erin');
    });

    /** How many scrypt runs one login costs. */
    async function hashesSpentBy(s: InProcessSampleApp, username: string, password: string): Promise<{ count: number; response: HttpResponse }> {
      const before = scrypt.mock.callCount();
      const response = await s.login(username, undefined, password);
      return { count: scrypt.mock.callCount() - before, response };
    }

    it('the spy sees the hasher: a sign-up costs exactly one scrypt', async () => {
      const before = scrypt.mock.callCount();
      await sample().signUp('henry');
      assert.equal(scrypt.mock.callCount() - before, 1);
      assert.equal(known.status, 200, known.text);
    });

    it(`an unknown user's scrypt runs at the configured cost (PASSWORD_HASH_COST=${TEST_PASSWORD_HASH_COST}), as a known user's does`, async () => {
      const parametersOf = async (username: string) => {
        const before = scrypt.mock.callCount();
        await sample().login(username);
        assert.equal(scrypt.mock.callCount() - before, 1);
        const { N, r, p } = scrypt.mock.calls[before].arguments[3] as { N: number; r: number; p: number };
        return { N, r, p };
      };
      const expected = { N: 2 ** Number(TEST_PASSWORD_HASH_COST), r: 8, p: 1 };
      assert.deepEqual(await parametersOf('erin'), expected);
      assert.deepEqual(await parametersOf('mallory'), expected);
    });

    it('a wrong password against an older, cheaper hash also spends one scrypt at the configured cost, as an unknown user does', async () => {
      const dataSource = sample().app.get<DataSource>(getDataSourceToken());
      const salt = crypto.randomBytes(16);
      const cheap = ['scrypt', 16, 8, 1, salt.toString('base64url'), crypto.scryptSync(PASSWORD, salt, 64, { N: 16, r: 8, p: 1 }).toString('base64url')].join('$');
      await dataSource.query('INSERT INTO sample_app_user (username, email, password_hash, is_active) VALUES (?, NULL, ?, 1)', ['ida', cheap]);
      const before = scrypt.mock.callCount();
      const response = await sample().login('ida', undefined, 'wrong password!');
      assert.equal(response.status, 400, response.text);
      const costs = scrypt.mock.calls.slice(before).map((call) => (call.arguments[3] as { N: number }).N);
      assert.deepEqual(costs, [16, 2 ** Number(TEST_PASSWORD_HASH_COST)]);
    });

    for (const [name, username, password, status] of [
      ['a known user with the right password', 'erin', PASSWORD, 200],
      ['a known user with a wrong password', 'erin', 'wrong password!', 400],
      ['an unknown user', 'mallory', PASSWORD, 400],
      ['a disabled user', 'frank', PASSWORD, 400],
      ['a deleted user', 'grace', PASSWORD, 400],
      ['a username longer than the column', 'm'.repeat(151), PASSWORD, 400],
    ] as const) {
      it(`${name}: exactly one scrypt, answer ${status}`, async () => {
        const { count, response } = await hashesSpentBy(sample(), username, password);
        assert.equal(response.status, status, response.text);
        assert.equal(count, 1, `${name} cost ${count} password hashes`);
      });
    }
  });
}
