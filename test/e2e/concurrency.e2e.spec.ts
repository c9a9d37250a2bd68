import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';

const INVALID_PERMANENT_TOKEN = { statusCode: 400, message: 'Invalid permanent token.', error: 'Bad Request' };
const PARALLEL = 20;
/** Races are decided by timing, so each is run several times to meet more than one interleaving. */
const ROUNDS = 6;
const RACERS = 8;

interface RefreshBody {
  token: string;
  permanent_token?: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function refresh(app: TestApp, permanentToken: string): Promise<HttpResponse<RefreshBody>> {
  return app.request<RefreshBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': permanentToken } });
}

function profile(app: TestApp, accessToken: string): Promise<HttpResponse> {
  return app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${accessToken}` } });
}

function logout(app: TestApp, login: LoginBody): Promise<HttpResponse> {
  return app.request({
    method: 'DELETE',
    path: '/device-logout',
    headers: { Authorization: `Bearer ${login.token}`, 'Device-Id': String(login.device_id) },
  });
}

function logoutOthers(app: TestApp, accessToken: string): Promise<HttpResponse<{ revoked: number }>> {
  return app.request<{ revoked: number }>({ method: 'POST', path: '/devices/logout-others', headers: { Authorization: `Bearer ${accessToken}` } });
}

function assertNo5xx(responses: HttpResponse[]): void {
  const failed = responses.filter(({ status }) => status >= 500);
  assert.deepEqual(failed.map(({ status, text }) => `${status} ${text}`), []);
}

function assertRefused(response: HttpResponse): void {
  assert.equal(response.status, 400, response.text);
  assert.deepEqual(response.json, INVALID_PERMANENT_TOKEN);
}

async function rowsOf(app: TestApp, deviceId: number): Promise<number> {
  return (await app.devices()).filter(({ id }) => id === deviceId).length;
}

/**
 * Sends RACERS refreshes of one permanent token and `other` (before them on odd rounds, after them
 * on even ones), so the rounds meet different interleavings. Checks what holds whatever the order:
 * no 5xx, at most one rotation, every other refresh the one 400. Returns the winning refresh bodies.
 */
async function raceRefreshes(
  app: TestApp,
  permanentToken: string,
  round: number,
  other: () => Promise<HttpResponse>,
): Promise<{ other: HttpResponse; issued: RefreshBody[] }> {
  const otherFirst = round % 2 === 1;
  const pendingOther = otherFirst ? other() : undefined;
  const pendingRefreshes = Array.from({ length: RACERS }, () => refresh(app, permanentToken));
  const [otherResponse, ...refreshes] = await Promise.all([pendingOther ?? other(), ...pendingRefreshes]);
  assertNo5xx([otherResponse, ...refreshes]);
  const issued = refreshes.filter(({ status }) => status === 200);
  assert.ok(issued.length <= 1, `${issued.length} refreshes rotated one token`);
  for (const refused of refreshes.filter(({ status }) => status !== 200)) assertRefused(refused);
  return { other: otherResponse, issued: issued.map(({ json }) => json as RefreshBody) };
}

/** After the device is gone: every permanent and access token it ever had is refused. */
async function assertDeviceDead(app: TestApp, deviceId: number, permanentTokens: string[], accessTokens: string[]): Promise<void> {
  assert.equal(await rowsOf(app, deviceId), 0, 'the device row is gone');
  for (const token of permanentTokens) assertRefused(await refresh(app, token));
  for (const token of accessTokens) assert.equal((await profile(app, token)).status, 401);
}

forEachServer((database) => {
  describe('concurrent device refreshes with rotation', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
    });
    after(() => app.close());

    it(`lets exactly one of ${PARALLEL} parallel refreshes of one permanent token rotate it; the others get 400, none a 5xx`, async () => {
      const login = await app.login('alice');
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => refresh(app, login.permanent_token)));
      assertNo5xx(responses);
      const winners = responses.filter(({ status }) => status === 200);
      assert.equal(winners.length, 1, `statuses: ${responses.map(({ status }) => status).join(',')}`);
      for (const loser of responses.filter(({ status }) => status !== 200)) assertRefused(loser);

      const winner = winners[0].json!;
      assert.equal(await rowsOf(app, login.device_id), 1, 'the device row exists once');
      const [device] = (await app.devices()).filter(({ id }) => id === login.device_id);
      assert.equal(device.tokenHash, sha256Hex(winner.permanent_token!), "the stored hash is the winner's token");
      assert.equal((await profile(app, winner.token)).status, 200);

      // Only the winner's permanent token is alive: the original one is refused, the winner's refreshes.
      assertRefused(await refresh(app, login.permanent_token));
      assert.equal((await refresh(app, winner.permanent_token!)).status, 200);
      assert.equal(await rowsOf(app, login.device_id), 1);
    });

    it('ends refreshes racing a logout of the same device with the device gone and none of its tokens working, and no 5xx', async (t) => {
      const won: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const login = await app.login('alice');
        const race = await raceRefreshes(app, login.permanent_token, round, () => logout(app, login));
        assert.equal(race.other.status, 204, `round ${round}: ${race.other.text}`);
        won.push(race.issued.length);
        await assertDeviceDead(app, login.device_id, [login.permanent_token, ...race.issued.map((body) => body.permanent_token!)], [
          login.token,
          ...race.issued.map((body) => body.token),
        ]);
      }
      t.diagnostic(`rotations won against a logout, per round: ${won.join(', ')}`);
    });

    it('ends refreshes racing POST /devices/logout-others from another device with that device gone and the caller intact, and no 5xx', async (t) => {
      const won: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const caller = await app.login('bob');
        const target = await app.login('bob');
        const race = await raceRefreshes(app, target.permanent_token, round, () => logoutOthers(app, caller.token));
        assert.equal(race.other.status, 200, `round ${round}: ${race.other.text}`);
        assert.deepEqual(race.other.json, { revoked: 1 });
        won.push(race.issued.length);
        await assertDeviceDead(app, target.device_id, [target.permanent_token, ...race.issued.map((body) => body.permanent_token!)], [
          target.token,
          ...race.issued.map((body) => body.token),
        ]);

        const rows = (await app.devices()).filter(({ userId }) => userId === '2');
        assert.deepEqual(rows.map(({ id }) => id), [caller.device_id], "only the caller's device is left");
        assert.equal(rows[0].tokenHash, sha256Hex(caller.permanent_token));
        assert.equal((await profile(app, caller.token)).status, 200);
        assert.equal((await logout(app, caller)).status, 204, 'clean up for the next round');
      }
      t.diagnostic(`rotations won against logout-others, per round: ${won.join(', ')}`);
    });
  });

  describe('concurrent device refreshes without rotation (rotatePermanentTokens: false)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { rotatePermanentTokens: false } });
    });
    after(() => app.close());

    it(`answers all of ${PARALLEL} parallel refreshes of one permanent token with 200 and a working access token`, async () => {
      const login = await app.login('alice');
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => refresh(app, login.permanent_token)));
      assertNo5xx(responses);
      assert.deepEqual(responses.map(({ status }) => status), Array(PARALLEL).fill(200));
      for (const response of responses) assert.deepEqual(Object.keys(response.json!), ['token']);
      assert.equal((await profile(app, responses[PARALLEL - 1].json!.token)).status, 200);
      assert.equal(await rowsOf(app, login.device_id), 1);
    });

    it(`answers all of ${PARALLEL} parallel refreshes with 200 when each of them writes the last-request time`, async () => {
      const login = await app.login('alice');
      app.clock.advance(31 * 60);
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => refresh(app, login.permanent_token)));
      assertNo5xx(responses);
      assert.deepEqual(responses.map(({ status }) => status), Array(PARALLEL).fill(200));
      const [device] = (await app.devices()).filter(({ id }) => id === login.device_id);
      assert.equal(device.lastRequestDatetime, app.clock.now().getTime());
      assert.equal(device.tokenHash, sha256Hex(login.permanent_token));
      assert.equal((await refresh(app, login.permanent_token)).status, 200);
    });
  });

  for (const cap of [1, 2]) {
    describe(`concurrent logins of one user over maxDevicesPerUser: ${cap}`, () => {
      const db = useFreshDatabase(database);
      let app: TestApp;
      before(async () => {
        app = await TestApp.start(db(), { module: { maxDevicesPerUser: cap } });
      });
      after(() => app.close());

      it(`keeps the cap, and every login answered 200 has a device that works; the others get 409`, async () => {
        for (let round = 0; round < ROUNDS; round++) {
          const username = `racer-${round}`;
          const user = app.users.add(username, 'racer-password');
          const logins = await Promise.all(
            Array.from({ length: RACERS }, () => app.request<LoginBody>({ method: 'POST', path: '/auth-token', body: { username, password: 'racer-password' } })),
          );
          assertNo5xx(logins);
          const answered = logins.filter(({ status }) => status === 200).map(({ json }) => json!);
          for (const refused of logins.filter(({ status }) => status !== 200)) {
            assert.equal(refused.status, 409, refused.text);
            assert.deepEqual(refused.json, { statusCode: 409, message: 'Newer logins of this account took every device slot; log in again.', error: 'Conflict' });
          }
          const rows = (await app.devices()).filter(({ userId }) => userId === String(user.id));
          assert.ok(answered.length >= 1, 'the newest login always keeps its device');
          assert.equal(rows.length, Math.min(cap, answered.length), `round ${round}: ${rows.length} devices for a cap of ${cap}`);
          // Logins answered early may have been evicted by later ones since, as sequential logins would be; the rows left are all answered ones.
          const answeredIds = new Set(answered.map(({ device_id }) => device_id));
          for (const row of rows) assert.ok(answeredIds.has(row.id), `device ${row.id} was never handed to a client`);
          for (const login of answered.filter(({ device_id }) => rows.some(({ id }) => id === device_id))) {
            assert.equal((await profile(app, login.token)).status, 200);
            assert.equal((await refresh(app, login.permanent_token)).status, 200);
          }
        }
      });
    });
  }
});
