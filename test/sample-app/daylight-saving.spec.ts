import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeWallClock, faketimePreload } from '../fixtures/fake-wall-clock.js';
import { SampleAppProcess, sampleAppDatabaseUrl } from '../fixtures/sample-app-process.js';
import {
  assertBetween,
  assertRefreshRefused,
  DeviceRows,
  listDevices,
  login,
  profile,
  refreshDevice,
  sha256Hex,
  signUp,
  type SampleAppLogin,
} from '../fixtures/sample-app-sessions.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';

const preload = faketimePreload();
// CI installs faketime (.ci/run, SYSTEM_PACKAGES): there a missing one fails the suite instead.
const skip = preload || process.env.CI ? false : 'faketime (libfaketime) is not installed: apt-get install faketime';

const MINUTE = 60_000;
const GRACE_SECONDS = 10;
const IDLE_EXPIRY_MINUTES = 30;
const ENV = {
  JWT_SECRET: 'daylight-saving-secret-of-at-least-32-bytes',
  TZ: 'Europe/Berlin',
  JWT_DEVICES_ROTATION_GRACE_PERIOD: String(GRACE_SECONDS),
  JWT_DEVICES_PERMANENT_TOKEN_EXPIRATION_DELTA: `${IDLE_EXPIRY_MINUTES}m`,
  JWT_DEVICES_ACCESS_TOKEN_TTL: '20m',
};
// Berlin's clocks go from 03:00 CEST back to 02:00 CET at this instant, so 02:00-03:00 local happens twice.
const FALL_BACK = Date.parse('2026-10-25T01:00:00Z');
const utc = (offsetMs: number) => new Date(FALL_BACK + offsetMs);

forEachDatabase((database) => {
  describe('one sample app in TZ=Europe/Berlin under libfaketime, across the fall-back hour of 2026-10-25', { skip }, () => {
    const db = useFreshDatabase(database);
    let clock: FakeWallClock | undefined;
    let app: SampleAppProcess | undefined;
    let rows: DeviceRows | undefined;

    before(async () => {
      if (!preload) throw new Error('faketime is not installed, and CI must run this suite: install the faketime package (.ci/run does)');
      clock = FakeWallClock.create(preload, utc(-20 * MINUTE));
      app = await SampleAppProcess.start({ ...ENV, ...clock.env(), DATABASE_URL: sampleAppDatabaseUrl(db().options) });
      rows = await DeviceRows.open(db().options);
    });
    after(async () => {
      await app?.stop();
      await rows?.close();
      clock?.remove();
    });

    /** Logs in at the clock's current time, and checks the row holds that instant. */
    async function loginNow(username: string): Promise<SampleAppLogin> {
      const from = clock!.now();
      const session = await login(app!, username);
      const row = (await rows!.find(session.device_id))!;
      assertBetween(row.created, from, clock!.now(), `${username}: created is the faked instant`);
      return session;
    }

    it('reads every time as the instant it was, whichever way the wall clock jumps: grace period, reuse and idle expiry as on any other day', async () => {
      // 02:40 CEST, before the change.
      await signUp(app!, 'berlin');
      const idle = await loginNow('berlin');

      clock!.set(utc(-10 * MINUTE)); // 02:50 CEST
      const replayed = await loginNow('berlin');
      clock!.set(utc(-5 * MINUTE)); // 02:55 CEST
      const alive = await loginNow('berlin');
      clock!.set(utc(-1 * MINUTE)); // 02:59 CEST
      const replacedEarly = await refreshDevice(app!, replayed.permanent_token);
      assert.equal(replacedEarly.status, 200, replacedEarly.text);

      clock!.set(utc(-3_000)); // 02:59:57 CEST
      const retried = await loginNow('berlin');
      const rotatedFrom = clock!.now();
      const retriedNext = await refreshDevice(app!, retried.permanent_token);
      assert.equal(retriedNext.status, 200, retriedNext.text);
      const rotatedRow = (await rows!.find(retried.device_id))!;
      assertBetween(rotatedRow.rotatedAt, rotatedFrom, clock!.now(), 'rotated_at is the faked instant');

      // 02:00:04 CET: 7 s after that rotation, though the wall clock reads an hour earlier.
      clock!.set(utc(4_000));
      await assertRefreshRefused(app!, retried.permanent_token, 'the previous token 7 s after its rotation, across the change: within the grace period');
      assert.deepEqual(await rows!.find(retried.device_id), rotatedRow, 'the device is kept, unchanged');
      const afterRetry = await refreshDevice(app!, retriedNext.json!.permanent_token);
      assert.equal(afterRetry.status, 200, `its current token still refreshes: ${afterRetry.text}`);

      // 02:02 CET: 3 minutes after the rotation of 02:59 CEST, though the wall clock reads 57 minutes earlier.
      clock!.set(utc(2 * MINUTE));
      await assertRefreshRefused(app!, replayed.permanent_token, 'the previous token 3 minutes after its rotation: reuse');
      assert.equal(await rows!.find(replayed.device_id), null, 'reuse revokes the device');
      await assertRefreshRefused(app!, replacedEarly.json!.permanent_token, 'the token that replaced it dies with the device');

      // 02:05 CET: 10 minutes after the login of 02:55 CEST, though the wall clock reads 50 minutes earlier.
      clock!.set(utc(5 * MINUTE));
      const seen = await profile(app!, alive.token);
      assert.deepEqual([seen.status, seen.json?.device_id], [200, alive.device_id], 'a 10-minute-old access token of a live device');
      const aliveNext = await refreshDevice(app!, alive.permanent_token);
      assert.equal(aliveNext.status, 200, `a device used 10 minutes ago refreshes: ${aliveNext.text}`);
      const aliveRow = (await rows!.find(alive.device_id))!;
      assert.deepEqual([aliveRow.generation, aliveRow.tokenHash], [1, sha256Hex(aliveNext.json!.permanent_token)]);
      const retriedLater = await refreshDevice(app!, afterRetry.json!.permanent_token);
      assert.equal(retriedLater.status, 200, `the device whose previous token came back within the grace period lives on: ${retriedLater.text}`);
      const listed = await listDevices(app!, aliveNext.json!.token);
      assert.equal(listed.json!.find(({ id }) => id === alive.device_id)?.created, new Date(aliveRow.created).toISOString(), 'GET /devices shows the instant, in UTC');

      // 02:12 CET: 32 minutes after the login of 02:40 CEST, though the wall clock reads 28 minutes earlier.
      clock!.set(utc(12 * MINUTE));
      await assertRefreshRefused(app!, idle.permanent_token, 'a device idle for 32 minutes, past the 30-minute expiry');
      assert.equal(await rows!.find(idle.device_id), null, 'the idle-expired device is deleted when met');

      // 02:34 CET: 29 minutes after the refresh of 02:05 CET. Read as 02:05 CEST, that refresh would be 89 minutes old.
      clock!.set(utc(34 * MINUTE));
      const stillAlive = await refreshDevice(app!, aliveNext.json!.permanent_token);
      assert.equal(stillAlive.status, 200, `a device used 29 minutes ago is not expired: ${stillAlive.text}`);
    });
  });
});
