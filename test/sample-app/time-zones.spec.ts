import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
  sleepUntil,
} from '../fixtures/sample-app-sessions.js';
import { testDatabases, useFreshDatabase, type DatabaseName } from '../support/databases.js';

const SECRET = 'time-zones-secret-of-at-least-32-bytes';
// Short, so the test waits seconds; long enough that a request between two instances fits well inside each.
const GRACE_SECONDS = 2;
const IDLE_EXPIRY_SECONDS = 6;
const MARGIN_MS = 500;
const ENV = {
  JWT_SECRET: SECRET,
  JWT_DEVICES_ROTATION_GRACE_PERIOD: String(GRACE_SECONDS),
  JWT_DEVICES_PERMANENT_TOKEN_EXPIRATION_DELTA: String(IDLE_EXPIRY_SECONDS),
};
const URL_VARIABLE: Record<Exclude<DatabaseName, 'sqlite'>, string> = { postgres: 'TEST_POSTGRES_URL', mariadb: 'TEST_MYSQL_URL' };

/**
 * One device handed from `first` to `second` and back, as CONTRACT §4 says one instance answers:
 * login on one, refresh on the other, the previous token within the grace period (400, kept) and
 * after it (reuse: revoked, and the token that replaced it dies too), and idle expiry. Every stored
 * time is checked against the test's own clock, which all the processes share.
 */
async function handOff(label: string, first: SampleAppProcess, second: SampleAppProcess, rows: DeviceRows, username: string): Promise<void> {
  const at = (step: string) => `${label}: ${step}`;
  await signUp(first, username);

  // A device left idle: its expiry is checked last, so its wait overlaps the rotation steps.
  const idle = await login(first, username);
  const idleRefreshed = await refreshDevice(second, idle.permanent_token);
  assert.equal(idleRefreshed.status, 200, at(`a device just logged in on the other instance is alive: ${idleRefreshed.text}`));
  const idleRow = (await rows.find(idle.device_id))!;

  const loginStarted = Date.now();
  const session = await login(first, username);
  const loggedIn = Date.now();
  const created = (await rows.find(session.device_id))!;
  assertBetween(created.created, loginStarted, loggedIn, at('created'));
  assert.deepEqual(
    [created.generation, created.tokenHash, created.lastRequestDatetime, created.rotatedAt],
    [0, sha256Hex(session.permanent_token), created.created, null],
    at('the row a login writes'),
  );

  const onSecond = await refreshDevice(second, session.permanent_token);
  const refreshed = Date.now();
  assert.equal(onSecond.status, 200, at(`refresh on the other instance: ${onSecond.text}`));
  const rotated = (await rows.find(session.device_id))!;
  assertBetween(rotated.rotatedAt, loggedIn, refreshed, at('rotated_at'));
  assert.deepEqual(
    [rotated.generation, rotated.tokenHash, rotated.lastRequestDatetime, rotated.created],
    [1, sha256Hex(onSecond.json!.permanent_token), rotated.rotatedAt, created.created],
    at('the row the rotation wrote'),
  );
  const seenByFirst = await profile(first, onSecond.json!.token);
  assert.deepEqual([seenByFirst.status, seenByFirst.json?.device_id], [200, session.device_id], at('the new access token on the first instance'));
  const [listedByFirst, listedBySecond] = await Promise.all([listDevices(first, onSecond.json!.token), listDevices(second, onSecond.json!.token)]);
  assert.deepEqual(listedByFirst.json, listedBySecond.json, at('both instances list the same instants'));
  assert.equal(listedByFirst.json!.find(({ id }) => id === session.device_id)?.created, new Date(created.created).toISOString(), at('GET /devices shows the stored instant'));

  await assertRefreshRefused(first, session.permanent_token, at('the previous token within the grace period, on the first instance'));
  assert.deepEqual(await rows.find(session.device_id), rotated, at('within the grace period the device is kept, unchanged'));

  const backOnFirst = await refreshDevice(first, onSecond.json!.permanent_token);
  assert.equal(backOnFirst.status, 200, at(`refresh back on the first instance: ${backOnFirst.text}`));
  const rotatedAgain = (await rows.find(session.device_id))!;
  assert.deepEqual([rotatedAgain.generation, rotatedAgain.tokenHash], [2, sha256Hex(backOnFirst.json!.permanent_token)], at('the second rotation'));

  await assertRefreshRefused(second, onSecond.json!.permanent_token, at('the previous token within the grace period, on the second instance'));
  assert.deepEqual(await rows.find(session.device_id), rotatedAgain, at('within the grace period the device is kept, unchanged'));

  await sleepUntil(rotatedAgain.rotatedAt! + GRACE_SECONDS * 1000 + MARGIN_MS);
  await assertRefreshRefused(second, onSecond.json!.permanent_token, at('the previous token after the grace period'));
  assert.equal(await rows.find(session.device_id), null, at('reuse after the grace period revokes the device'));
  await assertRefreshRefused(first, backOnFirst.json!.permanent_token, at('the current token of the revoked device'));
  assert.deepEqual(
    [(await profile(first, backOnFirst.json!.token)).status, (await profile(second, backOnFirst.json!.token)).status],
    [401, 401],
    at("the revoked device's access token on both instances"),
  );

  await sleepUntil(idleRow.lastRequestDatetime + IDLE_EXPIRY_SECONDS * 1000 + MARGIN_MS);
  await assertRefreshRefused(first, idleRefreshed.json!.permanent_token, at('a device idle past its expiry'));
  assert.equal(await rows.find(idle.device_id), null, at('the idle-expired device is deleted when met'));
}

for (const name of ['postgres', 'mariadb'] as const) {
  const database = testDatabases().find((candidate) => candidate.name === name);

  describe(`sample-app instances in TZ=UTC and TZ=Asia/Tokyo on one ${name} database`, { skip: database ? false : `${URL_VARIABLE[name]} is not set` }, () => {
    const db = useFreshDatabase(database!);
    const instances: SampleAppProcess[] = [];
    let rows: DeviceRows | undefined;

    const start = async (zone: string) => {
      const instance = await SampleAppProcess.start({ ...ENV, DATABASE_URL: sampleAppDatabaseUrl(db().options), TZ: zone });
      instances.push(instance);
      return instance;
    };

    before(async () => {
      // One at a time: both synchronize the schema at boot.
      await start('UTC');
      await start('Asia/Tokyo');
      rows = await DeviceRows.open(db().options);
    });
    after(async () => {
      await Promise.all(instances.map((instance) => instance.stop()));
      await rows?.close();
    });

    it('hands devices back and forth in both directions with the outcomes of one instance: rotation, grace period, reuse, idle expiry', async () => {
      const [utc, tokyo] = instances;
      // Concurrently, on separate users: the waits for the grace period and idle expiry overlap.
      const runs = [
        handOff('UTC -> Asia/Tokyo', utc, tokyo, rows!, 'utc-first'),
        handOff('Asia/Tokyo -> UTC', tokyo, utc, rows!, 'tokyo-first'),
        handOff('one instance (Asia/Tokyo)', tokyo, tokyo, rows!, 'tokyo-only'),
        handOff('one instance (UTC)', utc, utc, rows!, 'utc-only'),
      ];
      const failures = (await Promise.allSettled(runs)).filter((run): run is PromiseRejectedResult => run.status === 'rejected');
      if (failures.length > 0) throw failures[0].reason;
    });
  });
}
