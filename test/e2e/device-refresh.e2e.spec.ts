import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';
import { RetiredToken } from '../../lib/index.js';
import { TestApp } from '../fixtures/test-app.js';

const INVALID_PERMANENT_TOKEN = { statusCode: 400, message: 'Invalid permanent token.', error: 'Bad Request' };
const INVALID_ACCESS_TOKEN = { statusCode: 401, message: 'Invalid or expired access token.', error: 'Unauthorized' };

interface RefreshBody {
  token: string;
  permanent_token?: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A well-formed permanent token that was never issued. */
function neverIssuedToken(): string {
  return randomBytes(32).toString('base64url');
}

function refresh(app: TestApp, permanentToken?: string, extra: Record<string, string> = {}, body?: unknown): Promise<HttpResponse<RefreshBody>> {
  const headers = permanentToken === undefined ? extra : { 'Permanent-Token': permanentToken, ...extra };
  return app.request<RefreshBody>({ method: 'POST', path: '/device-refresh-token', headers, body });
}

function profile(app: TestApp, accessToken: string): Promise<HttpResponse> {
  return app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${accessToken}` } });
}

/** Every device row as `id -> permanent token hash`, to prove a refused request changed nothing. */
async function hashesById(app: TestApp): Promise<Map<number, string | null>> {
  return new Map((await app.devices()).map((device) => [device.id, device.tokenHash]));
}

function assertRefused(response: HttpResponse): void {
  assert.equal(response.status, 400, response.text);
  assert.deepEqual(response.json, INVALID_PERMANENT_TOKEN);
}

forEachServer((database) => {
  describe('POST /device-refresh-token with rotation (the default)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
    });
    after(() => app.close());

    it('answers 200 { token, permanent_token } with a new permanent token and Cache-Control: no-store', async () => {
      const login = await app.login('alice');
      const response = await refresh(app, login.permanent_token);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.deepEqual(Object.keys(response.json!).sort(), ['permanent_token', 'token']);
      const { token, permanent_token } = response.json!;
      assert.equal(typeof token, 'string');
      assert.match(permanent_token!, /^[A-Za-z0-9_-]{43,}$/);
      assert.notEqual(permanent_token, login.permanent_token);
      assert.notEqual(token, login.token);
    });

    it('stores the SHA-256 hex of the new permanent token in place of the old hash, never the token itself', async () => {
      const login = await app.login('alice');
      const response = await refresh(app, login.permanent_token);
      assert.equal(response.status, 200, response.text);
      const newToken = response.json!.permanent_token!;
      const device = (await app.devices()).find((row) => row.id === login.device_id);
      assert.ok(device, 'the device row is still there');
      assert.equal(device.tokenHash, sha256Hex(newToken));
      assert.notEqual(device.tokenHash, sha256Hex(login.permanent_token));
      const stored = JSON.stringify(await app.dataSource.query('SELECT * FROM jwt_devices_device'));
      assert.ok(!stored.includes(newToken), 'the new permanent token is not stored in clear');
      assert.ok(!stored.includes(login.permanent_token), 'the old permanent token is not stored in clear');
    });

    it('issues an access token that authenticates GET /profile as the device', async () => {
      const login = await app.login('alice');
      const response = await refresh(app, login.permanent_token);
      assert.equal(response.status, 200, response.text);
      const me = await profile(app, response.json!.token);
      assert.equal(me.status, 200, me.text);
      assert.deepEqual(me.json, { id: 1, username: 'alice', device_id: login.device_id });
    });

    it('keeps working across consecutive rotations, each new permanent token opening the device once more', async () => {
      const login = await app.login('alice');
      let current = login.permanent_token;
      for (let round = 0; round < 3; round++) {
        const response = await refresh(app, current);
        assert.equal(response.status, 200, response.text);
        current = response.json!.permanent_token!;
      }
      const device = (await app.devices()).find((row) => row.id === login.device_id);
      assert.equal(device?.tokenHash, sha256Hex(current));
    });

    it("ignores the request body and the Authorization header: another user's access token does not change whose device refreshes", async () => {
      const alice = await app.login('alice');
      const bob = await app.login('bob');
      const response = await refresh(
        app,
        alice.permanent_token,
        { Authorization: `Bearer ${bob.token}` },
        { permanent_token: bob.permanent_token, username: 'bob' },
      );
      assert.equal(response.status, 200, response.text);
      const me = await profile(app, response.json!.token);
      assert.deepEqual(me.json, { id: 1, username: 'alice', device_id: alice.device_id });
      const rows = await hashesById(app);
      assert.equal(rows.get(alice.device_id), sha256Hex(response.json!.permanent_token!));
      assert.equal(rows.get(bob.device_id), sha256Hex(bob.permanent_token), "bob's device is untouched");
    });

    it('refuses a request without a Permanent-Token header with 400, whatever the body or Authorization say', async () => {
      const login = await app.login('alice');
      const before = await hashesById(app);
      assertRefused(await refresh(app, undefined, { Authorization: `Bearer ${login.token}` }, { permanent_token: login.permanent_token }));
      assert.deepEqual(await hashesById(app), before);
    });

    it('refuses an empty or blank Permanent-Token header with 400 and changes no device', async () => {
      await app.login('alice');
      const before = await hashesById(app);
      for (const blank of ['', '   ', '\t']) {
        assertRefused(await refresh(app, blank));
      }
      assert.deepEqual(await hashesById(app), before);
    });

    it('refuses a well-formed permanent token that was never issued with 400 and changes no device', async () => {
      await app.login('alice');
      const before = await hashesById(app);
      assertRefused(await refresh(app, neverIssuedToken()));
      assert.deepEqual(await hashesById(app), before);
    });

    it('refuses the stored hash shown as a token with 400: the hash opens nothing', async () => {
      const login = await app.login('alice');
      const before = await hashesById(app);
      assertRefused(await refresh(app, before.get(login.device_id)!));
      assert.deepEqual(await hashesById(app), before);
    });

    it('refuses malformed tokens (non-URL-safe characters, padding, too short, too long, non-ASCII) with 400 and never a 5xx', async () => {
      const login = await app.login('alice');
      const before = await hashesById(app);
      const malformed = [
        `${login.permanent_token}=`,
        `${login.permanent_token.slice(0, 20)}+/${login.permanent_token.slice(22)}`,
        `${login.permanent_token.slice(0, 20)}.${login.permanent_token.slice(21)}`,
        'abc',
        "' OR '1'='1",
        `${login.permanent_token} ${login.permanent_token}`,
        'a'.repeat(257),
        'A'.repeat(8000),
        `t\u00f6k\u00e9n${login.permanent_token}`,
      ];
      for (const token of malformed) {
        const response = await refresh(app, token);
        assert.equal(response.status, 400, `${JSON.stringify(token.slice(0, 40))}: ${response.text}`);
        assert.deepEqual(response.json, INVALID_PERMANENT_TOKEN);
      }
      assert.deepEqual(await hashesById(app), before);
      // The real token still opens its device: none of the above damaged it.
      assert.equal((await refresh(app, login.permanent_token)).status, 200);
    });

    it('refuses a Permanent-Token header sent twice with 400, even when both copies are the valid token', async () => {
      const login = await app.login('alice');
      const before = await hashesById(app);
      const response = await app.request({
        method: 'POST',
        path: '/device-refresh-token',
        headers: [
          ['Permanent-Token', login.permanent_token],
          ['Permanent-Token', login.permanent_token],
        ],
      });
      assertRefused(response);
      assert.deepEqual(await hashesById(app), before);
    });

    it("refuses a disabled user's permanent token with 400 and neither rotates nor touches the device", async () => {
      app.users.add('carol', 'carol-password');
      const login = await app.login('carol');
      const [before] = (await app.devices()).filter((row) => row.id === login.device_id);
      app.users.disable('carol');
      assertRefused(await refresh(app, login.permanent_token));
      const [after] = (await app.devices()).filter((row) => row.id === login.device_id);
      assert.equal(after?.tokenHash, sha256Hex(login.permanent_token), 'the token was not rotated');
      assert.equal(after?.lastRequestDatetime, before.lastRequestDatetime);
      assert.equal((await profile(app, login.token)).status, 401);
    });

    it("refuses a deleted user's permanent token with 400 and neither rotates nor touches the device", async () => {
      app.users.add('dave', 'dave-password');
      const login = await app.login('dave');
      const [before] = (await app.devices()).filter((row) => row.id === login.device_id);
      app.users.remove('dave');
      assertRefused(await refresh(app, login.permanent_token));
      const [after] = (await app.devices()).filter((row) => row.id === login.device_id);
      assert.equal(after?.tokenHash, sha256Hex(login.permanent_token), 'the token was not rotated');
      assert.equal(after?.lastRequestDatetime, before.lastRequestDatetime);
      assert.equal((await profile(app, login.token)).status, 401);
    });

    it("refuses a logged-out device's permanent token (DELETE /device-logout) with 400 and leaves other devices alone", async () => {
      const kept = await app.login('alice');
      const login = await app.login('alice');
      const logout = await app.request({
        method: 'DELETE',
        path: '/device-logout',
        headers: { Authorization: `Bearer ${login.token}`, 'Device-Id': String(login.device_id) },
      });
      assert.equal(logout.status, 204, logout.text);
      const before = await hashesById(app);
      assert.equal(before.has(login.device_id), false);
      assertRefused(await refresh(app, login.permanent_token));
      assert.deepEqual(await hashesById(app), before);
      assert.equal((await refresh(app, kept.permanent_token)).status, 200, 'the other device still refreshes');
    });
  });

  describe('POST /device-refresh-token without rotation (rotatePermanentTokens: false)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { rotatePermanentTokens: false } });
    });
    after(() => app.close());

    it('answers 200 { token } only, keeps the stored hash, and the same permanent token keeps working', async () => {
      const login = await app.login('alice');
      for (let round = 0; round < 3; round++) {
        const response = await refresh(app, login.permanent_token);
        assert.equal(response.status, 200, response.text);
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.deepEqual(Object.keys(response.json!), ['token']);
        const me = await profile(app, response.json!.token);
        assert.deepEqual(me.json, { id: 1, username: 'alice', device_id: login.device_id });
      }
      const [device] = await app.devices();
      assert.equal(device.tokenHash, sha256Hex(login.permanent_token));
    });

    it('refuses an unknown permanent token with 400', async () => {
      assertRefused(await refresh(app, neverIssuedToken()));
    });
  });

  describe('rotation grace period and reuse detection (RFC 9700 §4.14)', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db());
    });
    after(() => app.close());

    it('refuses the previous token shown again within the grace period with 400, and the device stays with its current token', async () => {
      const login = await app.login('alice');
      const rotated = await refresh(app, login.permanent_token);
      assert.equal(rotated.status, 200, rotated.text);
      const current = rotated.json!.permanent_token!;
      app.clock.advance(5);

      assertRefused(await refresh(app, login.permanent_token));
      const device = (await app.devices()).find((row) => row.id === login.device_id);
      assert.ok(device, 'the device is not revoked');
      assert.equal(device.tokenHash, sha256Hex(current));
      assert.equal((await profile(app, rotated.json!.token)).status, 200);
      const next = await refresh(app, current);
      assert.equal(next.status, 200, 'the current permanent token still refreshes');
    });

    it('treats the previous token shown after the grace period as reuse: 400, the device is gone and all its tokens stop working', async () => {
      const other = await app.login('alice');
      const bob = await app.login('bob');
      const login = await app.login('alice');
      const rotated = await refresh(app, login.permanent_token);
      assert.equal(rotated.status, 200, rotated.text);
      const latest = rotated.json!;
      app.clock.advance(11);

      assertRefused(await refresh(app, login.permanent_token));
      const rows = await hashesById(app);
      assert.equal(rows.has(login.device_id), false, 'the device row is deleted');
      assertRefused(await refresh(app, latest.permanent_token!));
      for (const accessToken of [login.token, latest.token]) {
        const me = await profile(app, accessToken);
        assert.equal(me.status, 401);
        assert.deepEqual(me.json, INVALID_ACCESS_TOKEN);
      }
      // Only that device was revoked.
      assert.equal(rows.get(other.device_id), sha256Hex(other.permanent_token));
      assert.equal(rows.get(bob.device_id), sha256Hex(bob.permanent_token));
      assert.equal((await profile(app, other.token)).status, 200);
    });

    it('treats an older rotated-away token (two rotations back) as reuse too: 400 and the device is gone', async () => {
      const other = await app.login('alice');
      const login = await app.login('alice');
      // An attacker who stole the first token rotates twice; the owner then shows the stolen-from token.
      const first = await refresh(app, login.permanent_token);
      app.clock.advance(60);
      const second = await refresh(app, first.json!.permanent_token!);
      assert.equal(second.status, 200, second.text);
      app.clock.advance(60);

      assertRefused(await refresh(app, login.permanent_token));
      const rows = await hashesById(app);
      assert.equal(rows.has(login.device_id), false, 'the device row is deleted');
      assertRefused(await refresh(app, second.json!.permanent_token!));
      assert.equal((await profile(app, second.json!.token)).status, 401);
      assert.equal(rows.get(other.device_id), sha256Hex(other.permanent_token), 'other devices are untouched');
      const retired: unknown[] = await app.dataSource.getRepository(RetiredToken).findBy({ deviceId: login.device_id });
      assert.deepEqual(retired, [], 'the revoked device leaves no retired hashes behind');
    });

    it('forgets, and revokes nothing for, a retired hash whose device is gone or was created after it', async () => {
      const login = await app.login('bob');
      const device = (await app.devices()).find(({ id }) => id === login.device_id)!;
      const retired = app.dataSource.getRepository(RetiredToken);
      const orphan = neverIssuedToken();
      const older = neverIssuedToken();
      await retired.insert([
        { tokenHash: sha256Hex(orphan), deviceId: 2 ** 30, retiredAt: app.clock.now().getTime() },
        { tokenHash: sha256Hex(older), deviceId: device.id, retiredAt: device.created - 60_000 },
      ]);
      const before = await app.devices();

      assertRefused(await refresh(app, orphan));
      assertRefused(await refresh(app, older));
      assert.deepEqual(await app.devices(), before, 'no device was revoked');
      assert.equal(await retired.countBy({ tokenHash: sha256Hex(orphan) }), 0);
      assert.equal(await retired.countBy({ tokenHash: sha256Hex(older) }), 0);
      assert.equal((await refresh(app, login.permanent_token)).status, 200, 'the device still refreshes');
    });

    it('stores only the SHA-256 hash of the current token, and keeps nothing of rotated-away ones', async () => {
      const login = await app.login('bob');
      const rotated = await refresh(app, login.permanent_token);
      assert.equal(rotated.status, 200);
      const [device] = (await app.devices()).filter(({ id }) => id === login.device_id);
      assert.deepEqual([device.tokenHash, device.generation, device.legacyTokenHash], [sha256Hex(rotated.json!.permanent_token!), 1, null]);
      assert.deepEqual(await app.dataSource.getRepository(RetiredToken).findBy({ deviceId: login.device_id }), []);
    });

    it('revokes nothing for a token that was never issued: 400 and every row intact', async () => {
      await app.login('alice');
      await app.login('bob');
      app.clock.advance(11);
      const before = await app.devices();
      assertRefused(await refresh(app, neverIssuedToken()));
      assert.deepEqual(await app.devices(), before);
    });
  });
});
