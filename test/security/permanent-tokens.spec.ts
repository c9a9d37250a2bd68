import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LoginBody } from '../fixtures/test-app.js';
import { Device, RetiredToken } from '../../lib/index.js';
import { PermanentTokenCodec } from '../../lib/crypto/permanent-token-codec.js';
import { resolvePermanentTokenKeys } from '../../lib/options/permanent-token-keys.js';
import { TestApp, TEST_SECRET } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse, RequestHeaders, RequestOptions } from '../support/http.js';
import { bearer, useArena, withoutDevices, type Arena, type StoreSnapshot } from './support/arena.js';
import { assertCleanError, MESSAGES } from './support/clean-errors.js';
import { sha256Hex } from './support/jws-forge.js';

const REFRESH = '/device-refresh-token';
const INVALID = { status: 400, message: MESSAGES.invalidPermanentToken };
const GRACE_SECONDS = 10;
const IDLE_EXPIRY_SECONDS = 7 * 24 * 60 * 60;
const PARALLEL = 20;
const RACE_ROUNDS = 4;

const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

interface MalformedCase {
  name: string;
  request(victim: LoginBody): Partial<RequestOptions> & { headers: RequestHeaders };
}

const header = (value: string) => ({ headers: { 'Permanent-Token': value } });

const MALFORMED: MalformedCase[] = [
  { name: 'a well-formed token that was never issued', request: () => header(randomBytes(32).toString('base64url')) },
  { name: 'the token missing its last character', request: (v) => header(v.permanent_token.slice(0, -1)) },
  { name: 'the first 16 characters of the token', request: (v) => header(v.permanent_token.slice(0, 16)) },
  { name: 'the token with one character appended', request: (v) => header(`${v.permanent_token}A`) },
  { name: 'a 257-character token that starts with the real one', request: (v) => header(v.permanent_token.padEnd(257, 'A')) },
  { name: 'a 10 KB token', request: () => header('A'.repeat(10 * 1024)) },
  { name: 'the token in upper case', request: (v) => header(v.permanent_token.toUpperCase()) },
  { name: 'the same bytes in standard base64 with padding', request: (v) => header(Buffer.from(v.permanent_token, 'base64url').toString('base64')) },
  { name: 'the token with "=" padding', request: (v) => header(`${v.permanent_token}=`) },
  { name: 'the token percent-encoded', request: (v) => header([...v.permanent_token].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')) },
  { name: 'the token with a space inside', request: (v) => header(`${v.permanent_token.slice(0, 20)} ${v.permanent_token.slice(20)}`) },
  { name: 'the token in quotes', request: (v) => header(`"${v.permanent_token}"`) },
  { name: 'the token after a Bearer scheme', request: (v) => header(`Bearer ${v.permanent_token}`) },
  { name: 'the token with a trailing dot', request: (v) => header(`${v.permanent_token}.`) },
  { name: 'the token with a non-ASCII last character', request: (v) => header(`${v.permanent_token.slice(0, -1)}${utf8('é')}`) },
  { name: 'the token with a 4-byte character inside', request: (v) => header(`${v.permanent_token.slice(0, 20)}${utf8('😀')}${v.permanent_token.slice(20)}`) },
  { name: 'SQL in the header', request: () => header("x' OR '1'='1") },
  { name: 'the stored SHA-256 hash of the token', request: (v) => header(sha256Hex(v.permanent_token)) },
  { name: 'the access token', request: (v) => header(v.token) },
  { name: 'the token twice in one header', request: (v) => header(`${v.permanent_token}, ${v.permanent_token}`) },
  { name: 'two Permanent-Token headers, both the real token', request: (v) => ({ headers: [['Permanent-Token', v.permanent_token], ['Permanent-Token', v.permanent_token]] }) },
  { name: 'a junk Permanent-Token header before the real one', request: (v) => ({ headers: [['Permanent-Token', 'junk'], ['permanent-token', v.permanent_token]] }) },
  { name: 'an empty Permanent-Token header', request: () => header('') },
  { name: 'no header, the token in the body', request: (v) => ({ headers: {}, body: { permanent_token: v.permanent_token, 'Permanent-Token': v.permanent_token } }) },
  { name: 'no header, the token in the query string', request: (v) => ({ headers: {}, path: `${REFRESH}?permanent_token=${v.permanent_token}` }) },
  { name: 'no header, the access token in Authorization', request: (v) => ({ headers: bearer(v.token) }) },
  { name: 'the token in a Permanent_Token header (underscore)', request: (v) => ({ headers: { Permanent_Token: v.permanent_token } }) },
];

function logout(arena: Arena, login: LoginBody): Promise<HttpResponse> {
  return arena.request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(login.token), 'Device-Id': String(login.device_id) } });
}

function assertNo5xx(responses: HttpResponse[]): void {
  assert.deepEqual(responses.filter(({ status }) => status >= 500).map(({ status, text }) => `${status} ${text}`), []);
}

/** Runs `work` with the module's clock moved, then puts the clock back for the tests after it. */
async function withClockAdvanced<T>(arena: Arena, seconds: number, work: () => Promise<T>): Promise<T> {
  const start = arena.app.clock.now();
  arena.app.clock.advance(seconds);
  try {
    return await work();
  } finally {
    arena.app.clock.set(start);
  }
}

/**
 * After the device is gone: each of its permanent tokens gets the one 400 and each access token
 * a 401, changing no device. `afterRace`: a rotation that won just before the delete records its
 * rotated-away hash just after it, and a stale token may then clean that row up.
 */
async function assertAllDead(arena: Arena, permanentTokens: string[], accessTokens: string[], afterRace = false): Promise<void> {
  const unchanged = afterRace ? 'devices' : 'store';
  for (const token of permanentTokens) await arena.assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': token } }, { ...INVALID, unchanged });
  for (const token of accessTokens) await arena.assertRefused({ method: 'GET', path: '/profile', headers: bearer(token) }, { status: 401, message: MESSAGES.invalidAccessToken, unchanged });
}

/** The keys a deployment derives from these secrets, as the module does. */
function keysOf(secrets: string[]): Buffer[] {
  const problems: string[] = [];
  const keys = resolvePermanentTokenKeys(secrets, undefined, problems);
  assert.deepEqual(problems, []);
  return [...keys!];
}

/** How many statements the app sent to its database while `work` ran. */
async function statementsDuring(arena: Arena, work: () => Promise<unknown>): Promise<number> {
  const logger = arena.app.dataSource.logger;
  const original = logger.logQuery;
  let count = 0;
  logger.logQuery = (...args) => {
    count++;
    return original.apply(logger, args);
  };
  try {
    await work();
  } finally {
    logger.logQuery = original;
  }
  return count;
}

/** The token with one base64url character changed at `index` (counted from the end when negative). */
function withCharacterChanged(token: string, index: number): string {
  const at = index < 0 ? token.length + index : index;
  const replacement = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}

function retiredOf(store: StoreSnapshot, deviceId: number): unknown[] {
  return store.retired.filter((row) => row.deviceId === deviceId);
}

forEachServer((database) => {
  describe('permanent-token keys: rotated through permanentTokenSecrets', () => {
    const db = useFreshDatabase(database);
    const OLD = 'the-old-permanent-token-key-of-32-bytes-or-more';
    const NEW = 'the-new-permanent-token-key-of-32-bytes-or-more';
    const refresh = (app: TestApp, token: string) => app.request<{ permanent_token?: string }>({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': token } });
    const withApp = async <T>(secrets: string[] | undefined, work: (app: TestApp) => Promise<T>): Promise<T> => {
      const app = await TestApp.start(db(), { module: secrets ? { permanentTokenSecrets: secrets } : {} });
      try {
        return await work(app);
      } finally {
        await app.close();
      }
    };

    it('verifies tokens of the old key while the new one signs, and refuses the old key once it is dropped', async () => {
      const fromDefault = await withApp(undefined, (app) => app.login('alice'));
      const fromOld = await withApp([OLD], (app) => app.login('alice'));
      const [rotatedDefault, rotatedOld] = await withApp([NEW, OLD, TEST_SECRET], async (app) => {
        const fromSecret = await refresh(app, fromDefault.permanent_token);
        assert.equal(fromSecret.status, 200, 'the default key is derived from `secret`, so listing the secret keeps its tokens');
        const fromOldKey = await refresh(app, fromOld.permanent_token);
        assert.equal(fromOldKey.status, 200, fromOldKey.text);
        return [fromSecret.json!.permanent_token!, fromOldKey.json!.permanent_token!];
      });
      const signedByNew = new PermanentTokenCodec(keysOf([NEW]));
      assert.ok(signedByNew.read(rotatedOld) && signedByNew.read(rotatedDefault), 'the first key signs');
      assert.equal(new PermanentTokenCodec(keysOf([OLD])).read(rotatedOld), null);
      await withApp([NEW], async (app) => {
        assert.equal((await refresh(app, rotatedOld)).status, 200);
        const devices = await app.devices();
        const fresh = await app.login('alice');
        assert.equal((await refresh(app, fresh.permanent_token)).status, 200);
        assert.equal(devices.length, 2);
      });
      await withApp([OLD], async (app) => {
        const before = await app.devices();
        assert.equal((await refresh(app, rotatedDefault)).status, 400, 'a token signed by a key no longer listed');
        assert.deepEqual(await app.devices(), before);
        assert.equal(await app.dataSource.getRepository(RetiredToken).count(), 0);
      });
    });
  });

  describe('stolen, guessed and replayed permanent tokens', () => {
    const arena = useArena(useFreshDatabase(database));

    for (const { name, request } of MALFORMED) {
      it(`refuses ${name} with the one 400, and rotates or revokes nothing`, async () => {
        const victim = await arena().login('alice');
        await arena().assertRefused({ method: 'POST', path: REFRESH, ...request(victim) }, INVALID);
        assert.equal((await arena().refresh(victim.permanent_token)).status, 200, "the victim's real token still works");
      });
    }

    it('refuses a rotated-away token shown again within the grace period, and the device keeps its new token', async () => {
      const login = await arena().login('alice');
      const rotated = await arena().refresh(login.permanent_token);
      assert.equal(rotated.status, 200, rotated.text);
      await withClockAdvanced(arena(), GRACE_SECONDS - 1, async () => {
        await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': login.permanent_token } }, INVALID);
      });
      assert.equal((await arena().refresh(rotated.json!.permanent_token!)).status, 200);
    });

    it('revokes the device when a rotated-away token comes back after the grace period: the thief who refreshed first loses everything', async () => {
      const victim = await arena().login('alice');
      const bystander = await arena().login('alice');
      const thief = await arena().refresh(victim.permanent_token);
      assert.equal(thief.status, 200, thief.text);
      await withClockAdvanced(arena(), GRACE_SECONDS + 1, async () => {
        const before = await arena().snapshot();
        const response = await arena().refresh(victim.permanent_token);
        assertCleanError(response, 400, MESSAGES.invalidPermanentToken, arena().loot);
        assert.deepEqual(await arena().snapshot(), withoutDevices(before, [victim.device_id]), 'exactly the device and its retired hashes went');
        await assertAllDead(arena(), [victim.permanent_token, thief.json!.permanent_token!], [victim.token, thief.json!.token]);
      });
      assert.equal((await arena().whoAmI(bearer(bystander.token))).status, 200, "the victim's other device is untouched");
    });

    it('revokes the device when a token two rotations old comes back', async () => {
      const login = await arena().login('alice');
      const first = await arena().refresh(login.permanent_token);
      const second = await arena().refresh(first.json!.permanent_token!);
      assert.equal(second.status, 200, second.text);
      await withClockAdvanced(arena(), GRACE_SECONDS + 1, async () => {
        const before = await arena().snapshot();
        assertCleanError(await arena().refresh(login.permanent_token), 400, MESSAGES.invalidPermanentToken, arena().loot);
        assert.deepEqual(await arena().snapshot(), withoutDevices(before, [login.device_id]));
      });
      await assertAllDead(arena(), [second.json!.permanent_token!], [second.json!.token]);
    });

    for (const [how, revoke] of [
      ['DELETE /device-logout', (a: Arena, victim: LoginBody) => logout(a, victim)],
      ['DELETE /devices/:id', (a: Arena, victim: LoginBody) => a.request({ method: 'DELETE', path: `/devices/${victim.device_id}`, headers: bearer(victim.token) })],
      ['POST /devices/logout-others from another device', async (a: Arena) => a.request({ method: 'POST', path: '/devices/logout-others', headers: bearer((await a.login('alice')).token) })],
    ] as const) {
      it(`refuses the token of a device logged out by ${how}, changing nothing`, async () => {
        const victim = await arena().login('alice');
        const response = await revoke(arena(), victim);
        assert.ok(response.status === 204 || response.status === 200, response.text);
        await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': victim.permanent_token } }, INVALID);
      });
    }

    it('forgets the rotated-away hashes of a logged-out device, so its stale token later revokes nothing', async () => {
      const victim = await arena().login('alice');
      const rotated = await arena().refresh(victim.permanent_token);
      assert.equal(rotated.status, 200, rotated.text);
      const response = await logout(arena(), { ...victim, token: rotated.json!.token });
      assert.equal(response.status, 204, response.text);
      assert.deepEqual(retiredOf(await arena().snapshot(), victim.device_id), [], 'the logout left rotated-away hashes behind');
      await withClockAdvanced(arena(), GRACE_SECONDS + 1, async () => {
        await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': victim.permanent_token } }, INVALID);
      });
    });

    it('refuses the token of a device idle past its expiry and deletes only that device', async () => {
      const victim = await arena().login('alice');
      await withClockAdvanced(arena(), IDLE_EXPIRY_SECONDS + 1, async () => {
        const before = await arena().snapshot();
        assertCleanError(await arena().refresh(victim.permanent_token), 400, MESSAGES.invalidPermanentToken, arena().loot);
        assert.deepEqual(await arena().snapshot(), withoutDevices(before, [victim.device_id]));
      });
    });

    it("refuses a disabled user's token and a deleted user's token, rotating nothing", async () => {
      arena().app.users.add('carol', 'carol-password');
      arena().app.users.add('dave', 'dave-password');
      const carol = await arena().login('carol');
      const dave = await arena().login('dave');
      arena().app.users.disable('carol');
      arena().app.users.remove('dave');
      for (const token of [carol.permanent_token, dave.permanent_token]) {
        await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': token } }, INVALID);
      }
    });

    it('keeps one row per device, changed in place, and adds no retired row over 50 refreshes', async () => {
      const login = await arena().login('alice');
      const before = await arena().snapshot();
      let token = login.permanent_token;
      for (let round = 0; round < 50; round++) {
        arena().app.clock.advance(60);
        const refreshed = await arena().refresh(token);
        assert.equal(refreshed.status, 200, refreshed.text);
        token = refreshed.json!.permanent_token!;
      }
      const after = await arena().snapshot();
      assert.equal(after.devices.length, before.devices.length);
      assert.deepEqual(after.retired, before.retired);
      const row = after.devices.find(({ id }) => id === login.device_id)!;
      assert.deepEqual([row.generation, row.tokenHash], [50, sha256Hex(token)]);
    });

    for (const back of [1, 2, 50, 100]) {
      it(`refuses the token of ${back} rotation(s) back within the grace period and keeps the device; after it, revokes the device`, async () => {
        const login = await arena().login('alice');
        const tokens = [login.permanent_token];
        for (let round = 0; round < back; round++) {
          const refreshed = await arena().refresh(tokens.at(-1)!);
          assert.equal(refreshed.status, 200, refreshed.text);
          tokens.push(refreshed.json!.permanent_token!);
        }
        const earlier = tokens[tokens.length - 1 - back];
        await withClockAdvanced(arena(), GRACE_SECONDS - 1, async () => {
          await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': earlier } }, INVALID);
        });
        await withClockAdvanced(arena(), GRACE_SECONDS + 1, async () => {
          const before = await arena().snapshot();
          assertCleanError(await arena().refresh(earlier), 400, MESSAGES.invalidPermanentToken, arena().loot);
          assert.deepEqual(await arena().snapshot(), withoutDevices(before, [login.device_id]), 'exactly that device went');
          await assertAllDead(arena(), [tokens.at(-1)!], []);
        });
      });
    }

    it('revokes the device for a token two rotations back when its own rotation is older than the grace period, even though the last one is recent', async () => {
      const login = await arena().login('alice');
      const first = await arena().refresh(login.permanent_token);
      await withClockAdvanced(arena(), GRACE_SECONDS + 5, async () => {
        const second = await arena().refresh(first.json!.permanent_token!);
        assert.equal(second.status, 200, second.text);
        const before = await arena().snapshot();
        assertCleanError(await arena().refresh(login.permanent_token), 400, MESSAGES.invalidPermanentToken, arena().loot);
        assert.deepEqual(await arena().snapshot(), withoutDevices(before, [login.device_id]));
      });
    });

    for (const [name, forge] of [
      ['its MAC changed', (token: string) => withCharacterChanged(token, -2)],
      ['a random byte changed (garbled)', (token: string) => withCharacterChanged(token, 40)],
      ['its device id changed', (token: string) => withCharacterChanged(token, 7)],
      ['its generation raised, MAC unchanged', (token: string) => withCharacterChanged(token, 21)],
    ] as const) {
      it(`refuses a version 2 token with ${name}: the one 400, before any statement reaches the database`, async () => {
        const victim = await arena().login('alice');
        const forged = forge(victim.permanent_token);
        assert.notEqual(forged, victim.permanent_token);
        const statements = await statementsDuring(arena(), () =>
          arena().request({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': forged } }).then((response) => assertCleanError(response, 400, MESSAGES.invalidPermanentToken, arena().loot)),
        );
        assert.equal(statements, 0, 'the database was asked about a token whose MAC fails');
        await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': forged } }, INVALID);
        assert.equal((await arena().refresh(victim.permanent_token)).status, 200, "the victim's real token still works");
      });
    }

    it("refuses another deployment's token naming a real device, and a guessed one with a valid structure, without reading the database", async () => {
      const victim = await arena().login('alice');
      const [device] = (await arena().snapshot()).devices.filter(({ id }) => id === victim.device_id);
      const claims = { deviceId: victim.device_id, created: device.created as number, generation: 0, issuedAt: arena().app.clock.now().getTime() };
      const otherDeployment = new PermanentTokenCodec(keysOf(['another-deployment-secret-of-32-bytes-or-more'])).issue(claims).token;
      const guessed = Buffer.concat([Buffer.from([2]), randomBytes(54)]);
      guessed.writeUIntBE(victim.device_id, 1, 6);
      for (const token of [otherDeployment, guessed.toString('base64url')]) {
        const statements = await statementsDuring(arena(), () =>
          arena().request({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': token } }).then((response) => assertCleanError(response, 400, MESSAGES.invalidPermanentToken, arena().loot)),
        );
        assert.equal(statements, 0, 'the database was asked about a token whose MAC fails');
        await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': token } }, INVALID);
      }
      assert.equal((await arena().refresh(victim.permanent_token)).status, 200);
    });

    it('refuses, writing nothing, a token of a later generation than the row holds (a database restored from a backup)', async () => {
      const login = await arena().login('alice');
      const first = await arena().refresh(login.permanent_token);
      const second = await arena().refresh(first.json!.permanent_token!);
      assert.equal(second.status, 200, second.text);
      await arena().app.dataSource.getRepository(Device).update({ id: login.device_id }, { generation: 1, tokenHash: sha256Hex(first.json!.permanent_token!) });
      await arena().assertRefused({ method: 'POST', path: REFRESH, headers: { 'Permanent-Token': second.json!.permanent_token! } }, INVALID);
      assert.equal((await arena().refresh(first.json!.permanent_token!)).status, 200, 'the token the restored row holds still works');
    });

    it(`lets exactly one of ${PARALLEL} parallel refreshes of one token rotate it; the others get the clean 400 and the store holds one new hash`, async () => {
      const login = await arena().login('bob');
      const before = await arena().snapshot();
      const responses = await Promise.all(Array.from({ length: PARALLEL }, () => arena().refresh(login.permanent_token)));
      assertNo5xx(responses);
      const winners = responses.filter(({ status }) => status === 200);
      assert.equal(winners.length, 1, `statuses: ${responses.map(({ status }) => status).join(',')}`);
      for (const loser of responses.filter(({ status }) => status !== 200)) assertCleanError(loser, 400, MESSAGES.invalidPermanentToken, arena().loot);

      const now = arena().app.clock.now().getTime();
      const expected = structuredClone(before);
      const row = expected.devices.find(({ id }) => id === login.device_id)!;
      Object.assign(row, { tokenHash: sha256Hex(winners[0].json!.permanent_token!), generation: 1, rotatedAt: now, lastRequestDatetime: now });
      assert.deepEqual(await arena().snapshot(), expected, 'one row changed, in place; no row was added');
    });

    it('ends refreshes racing a logout of the same device with it gone, all its tokens dead, no 5xx and no other device touched', async () => {
      for (let round = 0; round < RACE_ROUNDS; round++) {
        const victim = await arena().login('alice');
        const before = await arena().snapshot();
        const pendingLogout = round % 2 === 0 ? logout(arena(), victim) : undefined;
        const refreshes = Array.from({ length: 8 }, () => arena().refresh(victim.permanent_token));
        const [loggedOut, ...responses] = await Promise.all([pendingLogout ?? logout(arena(), victim), ...refreshes]);
        assertNo5xx([loggedOut, ...responses]);
        assert.equal(loggedOut.status, 204, loggedOut.text);
        const issued = responses.filter(({ status }) => status === 200).map(({ json }) => json!);
        assert.ok(issued.length <= 1, `round ${round}: ${issued.length} rotations`);
        for (const refused of responses.filter(({ status }) => status !== 200)) assertCleanError(refused, 400, MESSAGES.invalidPermanentToken, arena().loot);
        const after = await arena().snapshot();
        assert.deepEqual(after.devices, withoutDevices(before, [victim.device_id]).devices, `round ${round}`);
        assert.deepEqual(after.retired.filter((row) => row.deviceId !== victim.device_id), before.retired.filter((row) => row.deviceId !== victim.device_id));
        await assertAllDead(arena(), [victim.permanent_token, ...issued.map((body) => body.permanent_token!)], [victim.token, ...issued.map((body) => body.token)], true);
      }
    });

    it('ends refreshes racing POST /devices/logout-others with the target gone, the caller intact and no 5xx', async () => {
      for (let round = 0; round < RACE_ROUNDS; round++) {
        const caller = await arena().login('bob');
        const target = await arena().login('bob');
        const before = await arena().snapshot();
        const others = () => arena().request<{ revoked: number }>({ method: 'POST', path: '/devices/logout-others', headers: bearer(caller.token) });
        const pendingOthers = round % 2 === 0 ? others() : undefined;
        const refreshes = Array.from({ length: 8 }, () => arena().refresh(target.permanent_token));
        const [revoked, ...responses] = await Promise.all([pendingOthers ?? others(), ...refreshes]);
        assertNo5xx([revoked, ...responses]);
        assert.equal(revoked.status, 200, revoked.text);
        const issued = responses.filter(({ status }) => status === 200).map(({ json }) => json!);
        assert.ok(issued.length <= 1, `round ${round}: ${issued.length} rotations`);
        const bobDevices = before.devices.filter((row) => row.userId === '2' && row.id !== caller.device_id).map((row) => row.id as number);
        const after = await arena().snapshot();
        assert.deepEqual(after.devices, withoutDevices(before, bobDevices).devices, `round ${round}: only the caller's device of bob is left`);
        await assertAllDead(arena(), [target.permanent_token, ...issued.map((body) => body.permanent_token!)], [target.token, ...issued.map((body) => body.token)], true);
        assert.equal((await arena().whoAmI(bearer(caller.token))).status, 200);
        assert.equal((await logout(arena(), caller)).status, 204);
      }
    });
  });
});
