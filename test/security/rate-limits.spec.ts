import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { HttpResponse } from '../support/http.js';
import { assertCleanError, MESSAGES } from './support/clean-errors.js';
import { PASSWORD, useSampleApp, type InProcessSampleApp, type Session } from './support/sample-app.js';

const LIMIT = 3;
const WINDOW_SECONDS = 60;

/** A fresh client address per test, so no test spends another's quota. */
let lastOctet = 1;
const nextClient = (): string => `127.0.0.${++lastOctet}`;

function assertThrottled(response: HttpResponse): void {
  assertCleanError(response, 429, MESSAGES.tooManyRequests);
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_SECONDS, `Retry-After: ${response.headers['retry-after']}`);
}

/** Every username in the sample app's user table, by id. */
async function usernames(s: InProcessSampleApp): Promise<string[]> {
  const rows: Array<{ username: string }> = await s.app.get<DataSource>(getDataSourceToken()).query('SELECT username FROM sample_app_user ORDER BY id');
  return rows.map(({ username }) => username);
}

function assertNotThrottled(response: HttpResponse, what: string): void {
  assert.notEqual(response.status, 429, `${what} was throttled`);
  assert.ok(response.status < 500, `${what}: ${response.status} ${response.text}`);
}

for (const adapter of ['express', 'fastify'] as const) {
  describe(`the sample app (${adapter}) with THROTTLE_LIMIT=${LIMIT}, THROTTLE_TTL=${WINDOW_SECONDS}`, () => {
    const sample = useSampleApp({ HTTP_ADAPTER: adapter, THROTTLE_LIMIT: String(LIMIT), THROTTLE_TTL: String(WINDOW_SECONDS) });
    const users = Array.from({ length: 12 }, (_, i) => `user${i}`);
    before(async () => {
      // Each from its own address, since sign-up is throttled too.
      for (const username of users) await sample().signUp(username, PASSWORD, nextClient());
    });

    /** Logs in from `from`, checking the answer is not a 429. */
    async function session(s: InProcessSampleApp, username: string, from: string): Promise<Session> {
      const response = await s.login(username, from);
      assert.equal(response.status, 200, response.text);
      return response.json!;
    }

    it(`answers the ${LIMIT + 1}th login from one client with 429 and Retry-After, whatever the usernames, and creates no device`, async () => {
      const s = sample();
      const from = nextClient();
      for (const username of users.slice(0, LIMIT)) assert.equal((await s.login(username, from)).status, 200);
      const before = await s.devices();
      assertThrottled(await s.login(users[LIMIT], from));
      assert.deepEqual(await s.devices(), before);
    });

    it(`answers the ${LIMIT + 1}th login to one username with 429 even from ${LIMIT + 1} addresses, and even with the right password`, async () => {
      const s = sample();
      for (let attempt = 0; attempt < LIMIT; attempt++) {
        const guess = await s.login('user4', nextClient(), `wrong password ${attempt}`);
        assert.equal(guess.status, 400, guess.text);
      }
      const before = await s.devices();
      assertThrottled(await s.login('user4', nextClient(), PASSWORD));
      assert.deepEqual(await s.devices(), before, 'the right password did not slip through');
    });

    it('counts spellings of one username (case, outer spaces, accents) as the same username', async () => {
      const s = sample();
      for (const spelling of ['USER5', ' user5 ', 'usér5']) assert.equal((await s.login(spelling, nextClient(), 'wrong password!')).status, 400);
      assertThrottled(await s.login('user5', nextClient(), PASSWORD));
    });

    it('lets neither a trailing slash nor a query string dodge the login limit', async () => {
      const s = sample();
      const from = nextClient();
      for (const path of ['/auth-token/', '/auth-token?a=1', '/auth-token/?b=2']) {
        const response = await s.send({ method: 'POST', path, body: { username: 'user6', password: 'wrong password!' }, from });
        assert.equal(response.status, 400, `${path}: ${response.text}`);
      }
      assertThrottled(await s.send({ method: 'POST', path: '/auth-token', body: { username: 'user7', password: PASSWORD }, from }));
    });

    it('lets no X-Forwarded-For header make a new client (the sample app trusts no proxy)', async () => {
      const s = sample();
      const from = nextClient();
      for (let i = 0; i < LIMIT; i++) {
        const response = await s.send({ method: 'POST', path: '/auth-token', headers: { 'X-Forwarded-For': `203.0.113.${i}` }, body: { username: users[i], password: PASSWORD }, from });
        assert.equal(response.status, 200, response.text);
      }
      assertThrottled(await s.send({ method: 'POST', path: '/auth-token', headers: { 'X-Forwarded-For': '203.0.113.99' }, body: { username: users[8], password: PASSWORD }, from }));
    });

    it(`answers the ${LIMIT + 1}th device refresh from one client with 429 and does not spend the token`, async () => {
      const s = sample();
      const from = nextClient();
      let token = (await session(s, 'user9', nextClient())).permanent_token;
      for (let i = 0; i < LIMIT; i++) {
        const response = await s.send<Session>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token }, from });
        assert.equal(response.status, 200, response.text);
        token = response.json!.permanent_token;
      }
      const before = await s.devices();
      assertThrottled(await s.send({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token }, from }));
      assert.deepEqual(await s.devices(), before, 'the throttled refresh rotated the token');
      const elsewhere = await s.send({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token }, from: nextClient() });
      assert.equal(elsewhere.status, 200, elsewhere.text);
    });

    it('never throttles other routes, even for a client whose login quota is spent', async () => {
      const s = sample();
      const from = nextClient();
      const mine = await session(s, 'user10', nextClient());
      for (let i = 0; i < LIMIT; i++) await s.login('user11', from, 'wrong password!');
      assertThrottled(await s.login('user11', from));
      const auth = { Authorization: `Bearer ${mine.token}` };
      for (let round = 0; round < LIMIT * 3; round++) {
        assertNotThrottled(await s.send({ method: 'GET', path: '/public', from }), 'GET /public');
        assertNotThrottled(await s.send({ method: 'GET', path: '/profile', headers: auth, from }), 'GET /profile');
        assertNotThrottled(await s.send({ method: 'GET', path: '/devices', headers: auth, from }), 'GET /devices');
        assertNotThrottled(await s.send({ method: 'DELETE', path: '/devices/987654', headers: auth, from }), 'DELETE /devices/:id');
        assertNotThrottled(await s.send({ method: 'POST', path: '/auth-token/verify', body: { token: mine.token }, from }), 'POST /auth-token/verify');
      }
    });

    it(`answers the ${LIMIT + 1}th sign-up from one client with 429 and Retry-After and creates no user; other clients still sign up`, async () => {
      const s = sample();
      const from = nextClient();
      for (let i = 0; i < LIMIT; i++) {
        const response = await s.send({ method: 'POST', path: '/users', body: { username: `signup${i}`, password: PASSWORD }, from });
        assert.equal(response.status, 201, response.text);
      }
      const before = await usernames(s);
      assertThrottled(await s.send({ method: 'POST', path: '/users', body: { username: 'signup-throttled', password: PASSWORD }, from }));
      assertThrottled(await s.send({ method: 'POST', path: '/users/', body: { username: 'signup-slash', password: PASSWORD }, from }));
      assert.deepEqual(await usernames(s), before);
      const elsewhere = await s.send({ method: 'POST', path: '/users', body: { username: 'signup-elsewhere', password: PASSWORD }, from: nextClient() });
      assert.equal(elsewhere.status, 201, elsewhere.text);
    });

    it('gives sign-up a quota of its own: a client whose login quota is spent still signs up', async () => {
      const s = sample();
      const from = nextClient();
      for (let i = 0; i < LIMIT; i++) await s.login(users[i], from, 'wrong password!');
      assertThrottled(await s.login(users[0], from));
      const response = await s.send({ method: 'POST', path: '/users', body: { username: 'signup-after-logins', password: PASSWORD }, from });
      assert.equal(response.status, 201, response.text);
    });
  });

  describe(`the sample app (${adapter}) with THROTTLE_LIMIT=0`, () => {
    const sample = useSampleApp({ HTTP_ADAPTER: adapter, THROTTLE_LIMIT: '0' });

    it('throttles neither login, device refresh nor sign-up', async () => {
      const s = sample();
      await s.signUp('ivy');
      const from = nextClient();
      let token = '';
      for (let i = 0; i < LIMIT * 3; i++) {
        const response = await s.login('ivy', from, i % 2 === 0 ? 'wrong password!' : PASSWORD);
        assert.equal(response.status, i % 2 === 0 ? 400 : 200, response.text);
        if (response.status === 200) token = (response.json as Session).permanent_token;
      }
      for (let i = 0; i < LIMIT * 3; i++) {
        const response = await s.send<Session>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': token }, from });
        assert.equal(response.status, 200, response.text);
        token = response.json!.permanent_token;
      }
      for (let i = 0; i < LIMIT * 3; i++) {
        const response = await s.send({ method: 'POST', path: '/users', body: { username: `unthrottled${i}`, password: PASSWORD }, from });
        assert.equal(response.status, 201, response.text);
      }
    });
  });
}
