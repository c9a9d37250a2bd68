import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevicesService } from '../../lib/index.js';
import { forEachDatabase, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';
import { useTestApp, type LoginBody } from '../fixtures/test-app.js';

// Above the 8 devices a suite's lookalikes hold together, so only the test that means to reaches it.
const MAX_DEVICES = 8;
const NOT_FOUND = { statusCode: 404, message: 'Device not found.', error: 'Not Found' };

/**
 * One id four ways that a case- and accent-insensitive PAD SPACE collation (MySQL's and MariaDB's
 * `utf8mb4_unicode_ci`) holds equal: as is, capitalised, with a precomposed é, with a trailing space.
 */
function lookalikes(base: string): string[] {
  assert.match(base, /^[a-z]+e$/);
  return [base, base[0].toUpperCase() + base.slice(1), `${base.slice(0, -1)}\u00e9`, `${base} `];
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function idsOf(response: HttpResponse): number[] {
  assert.equal(response.status, 200, response.text);
  return (response.json as Array<{ id: number }>).map(({ id }) => id);
}

// The CI's MariaDB databases are utf8mb4_unicode_ci (test/support/mysql-database.ts makes them so too).
forEachDatabase((database) => {
  describe('string user ids that differ only by case, accent or trailing space', () => {
    const db = useFreshDatabase(database);
    const app = useTestApp(db, { module: { userIdType: 'string', maxDevicesPerUser: MAX_DEVICES } });

    /** Adds one user per lookalike id (usernames `${base}-0` to `${base}-3`) and returns the ids. */
    function addUsers(base: string): string[] {
      const ids = lookalikes(base);
      ids.forEach((id, index) => app().users.addWithId(id, `${base}-${index}`, `${base}-password`));
      return ids;
    }

    function login(base: string, index: number): Promise<LoginBody> {
      return app().login(`${base}-${index}`);
    }

    /** The ids of the Device rows of each user, read straight from the table and compared in JS. */
    async function rowsOf(ids: string[]): Promise<number[][]> {
      const rows = await app().devices();
      return ids.map((id) => rows.filter(({ userId }) => userId === id).map((device) => device.id));
    }

    it('each logs in on a device of their own, and GET /devices shows each only that device', async () => {
      const ids = addUsers('alice');
      const sessions: LoginBody[] = [];
      for (const index of ids.keys()) sessions.push(await login('alice', index));

      assert.deepEqual(await rowsOf(ids), sessions.map(({ device_id }) => [device_id]), 'each row keeps its exact user id');
      for (const session of sessions) {
        assert.deepEqual(idsOf(await app().request({ method: 'GET', path: '/devices', headers: bearer(session.token) })), [session.device_id]);
      }
    });

    it("DELETE /devices/:id and /device-logout of a lookalike's device answer 404, delete nothing, and its owner stays logged in", async () => {
      const ids = addUsers('jane');
      const sessions: LoginBody[] = [];
      for (const index of ids.keys()) sessions.push(await login('jane', index));
      const before = await app().devices();

      for (const [caller, { token }] of sessions.entries()) {
        for (const [owner, { device_id }] of sessions.entries()) {
          if (owner === caller) continue;
          const removed = await app().request({ method: 'DELETE', path: `/devices/${device_id}`, headers: bearer(token) });
          assert.equal(removed.status, 404, `${JSON.stringify(ids[caller])} deleting the device of ${JSON.stringify(ids[owner])}: ${removed.text}`);
          assert.deepEqual(removed.json, NOT_FOUND);
          const loggedOut = await app().request({ method: 'DELETE', path: '/device-logout', headers: { ...bearer(token), 'Device-Id': String(device_id) } });
          assert.equal(loggedOut.status, 404, loggedOut.text);
          assert.deepEqual(loggedOut.json, NOT_FOUND);
        }
      }

      assert.deepEqual(await app().devices(), before, 'no device was deleted');
      for (const session of sessions) {
        assert.deepEqual(idsOf(await app().request({ method: 'GET', path: '/devices', headers: bearer(session.token) })), [session.device_id]);
      }
    });

    it("POST /devices/logout-others revokes the caller's own other devices and none of a lookalike's", async () => {
      const ids = addUsers('eve');
      const first: LoginBody[] = [];
      const second: LoginBody[] = [];
      for (const index of ids.keys()) first.push(await login('eve', index));
      for (const index of ids.keys()) second.push(await login('eve', index));

      for (const caller of ids.keys()) {
        const response = await app().request({ method: 'POST', path: '/devices/logout-others', headers: bearer(second[caller].token) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json, { revoked: 1 }, `logout-others of ${JSON.stringify(ids[caller])}`);
        const expected = ids.map((_, user) => (user <= caller ? [second[user].device_id] : [first[user].device_id, second[user].device_id]));
        assert.deepEqual(await rowsOf(ids), expected, `after logout-others of ${JSON.stringify(ids[caller])}`);
      }
      for (const [user, { token }] of first.entries()) {
        const revoked = await app().request({ method: 'GET', path: '/devices', headers: bearer(token) });
        assert.equal(revoked.status, 401, `the revoked first device of ${JSON.stringify(ids[user])}: ${revoked.text}`);
      }
    });

    it("maxDevicesPerUser counts only the user's own devices, not a lookalike's", async () => {
      const ids = addUsers('grace');
      const own: LoginBody[] = [];
      for (let count = 0; count < MAX_DEVICES; count += 1) {
        own.push(await login('grace', 0));
        app().clock.advance(1);
      }
      const others = [];
      for (const index of [1, 2, 3]) others.push(await login('grace', index));
      assert.deepEqual(
        await rowsOf(ids),
        [own.map(({ device_id }) => device_id), ...others.map(({ device_id }) => [device_id])],
        "the lookalikes' logins took no device of the user at the limit",
      );

      const next = await login('grace', 0);
      assert.deepEqual(
        await rowsOf(ids),
        [[...own.slice(1).map(({ device_id }) => device_id), next.device_id], ...others.map(({ device_id }) => [device_id])],
        "the user's own next login logged out only her least recently used device",
      );
    });

    it("DevicesService.revokeAllForUser revokes the devices of that exact id and none of a lookalike's", async () => {
      const ids = addUsers('claire');
      const sessions: LoginBody[][] = [];
      for (const index of ids.keys()) sessions.push([await login('claire', index), await login('claire', index)]);
      const devices = app().app.get(DevicesService);

      for (const [user, id] of ids.entries()) {
        assert.equal(await devices.revokeAllForUser(id), 2, `revokeAllForUser(${JSON.stringify(id)})`);
        const expected = sessions.map((own, other) => (other <= user ? [] : own.map(({ device_id }) => device_id)));
        assert.deepEqual(await rowsOf(ids), expected, `after revokeAllForUser(${JSON.stringify(id)})`);
        for (const [other, own] of sessions.entries()) {
          const response = await app().request({ method: 'GET', path: '/devices', headers: bearer(own[0].token) });
          assert.equal(response.status, other <= user ? 401 : 200, `${JSON.stringify(ids[other])} after revokeAllForUser(${JSON.stringify(id)})`);
        }
      }
    });
  });
});
