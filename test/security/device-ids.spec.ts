import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoginBody } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { RequestHeaders } from '../support/http.js';
import { bearer, useArena } from './support/arena.js';
import { assertNoInternals, MESSAGES } from './support/clean-errors.js';

const NOT_FOUND = { status: 404, message: MESSAGES.deviceNotFound };
const NOT_AN_ID = { status: 400, message: MESSAGES.deviceIdInteger };

const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** Non-canonical numbers, sent alike as a header value and as a path segment. */
const NON_CANONICAL_NUMBERS: Array<[string, string]> = [
  ['zero', '0'],
  ['negative', '-1'],
  ['a plus sign', '+1'],
  ['a leading zero', '01'],
  ['a decimal point', '1.0'],
  ['an exponent', '1e3'],
  ['hex', '0x1'],
  ['beyond the safe-integer range', '9007199254740992'],
  ['twenty digits', '99999999999999999999'],
];

/** Spellings that are not a canonical positive decimal integer in the safe-integer range (CONTRACT §7). */
const MALFORMED_IDS: Array<[string, string]> = [
  ...NON_CANONICAL_NUMBERS,
  ['full-width digits', utf8('１')],
  ['letters', 'abc'],
  ['"null"', 'null'],
  ['a JSON array', '[1]'],
  ['a JSON object', '{"id":1}'],
  ['a space inside', '1 2'],
  ['a tab inside', '1\t2'],
  ['a comma list', '1,2'],
  ['SQL: 1 OR 1=1', '1 OR 1=1'],
  ['SQL: 1; DROP TABLE jwt_devices_device', '1; DROP TABLE jwt_devices_device'],
  ["SQL: 1'--", "1'--"],
  ['SQL: 1) OR (1=1', '1) OR (1=1'],
  ['SQL: 1 UNION SELECT id FROM jwt_devices_device', '1 UNION SELECT id FROM jwt_devices_device'],
];

/** `:id` path segments as sent on the wire (percent-encoded where a URL needs it). */
const MALFORMED_PATHS: Array<[string, string]> = [
  ...NON_CANONICAL_NUMBERS,
  ['letters', 'abc'],
  ['an encoded space', '%20'],
  ['an encoded NUL after the digit', '1%00'],
  ['full-width digits', '%EF%BC%91'],
  ['SQL: 1 OR 1=1', '1%20OR%201=1'],
  ['SQL: 1; DROP TABLE jwt_devices_device', '1;%20DROP%20TABLE%20jwt_devices_device'],
  ["SQL: 1'--", "1'--"],
  ['SQL: 1) OR (1=1', '1)%20OR%20(1=1'],
  ['an encoded path traversal', '..%2F..%2Fdevices'],
  ['"logout-others" with DELETE', 'logout-others'],
];

/** Ids that are canonical but name nothing the caller may touch. */
const UNKNOWN_IDS: Array<[string, string]> = [
  ['the largest 32-bit id', String(2 ** 31 - 1)],
  ['one past the 32-bit range (no such id can be stored on PostgreSQL or MySQL)', String(2 ** 31)],
  ['the largest safe integer', String(Number.MAX_SAFE_INTEGER)],
];

forEachServer((database) => {
  describe('Device-Id and :id from an attacker with a valid access token', () => {
    const arena = useArena(useFreshDatabase(database));
    let attacker: LoginBody;
    let victimDeviceId: number;
    let deletedDeviceId: number;
    const auth = (): Record<string, string> => bearer(attacker.token);

    before(async () => {
      attacker = await arena().login('alice');
      await arena().login('alice');
      victimDeviceId = (await arena().login('bob')).device_id;
      const gone = await arena().login('alice');
      const response = await arena().request({ method: 'DELETE', path: `/devices/${gone.device_id}`, headers: bearer(gone.token) });
      assert.equal(response.status, 204);
      deletedDeviceId = gone.device_id;
    });

    const logout = (headers: RequestHeaders) => ({ method: 'DELETE', path: '/device-logout', headers });

    it('DELETE /device-logout without Device-Id: 400, nothing deleted', async () => {
      await arena().assertRefused(logout(auth()), { status: 400, message: MESSAGES.deviceIdRequired });
    });

    it('DELETE /device-logout with an empty Device-Id: 400, nothing deleted', async () => {
      await arena().assertRefused(logout({ ...auth(), 'Device-Id': '' }), { status: 400, message: MESSAGES.deviceIdRequired });
    });

    for (const [label, value] of MALFORMED_IDS) {
      it(`DELETE /device-logout with a Device-Id that is ${label}: 400, nothing deleted`, async () => {
        await arena().assertRefused(logout({ ...auth(), 'Device-Id': value }), NOT_AN_ID);
      });
    }

    it("DELETE /device-logout with the attacker's own id sent twice: 400, nothing deleted", async () => {
      await arena().assertRefused(logout([...Object.entries(auth()), ['Device-Id', String(attacker.device_id)], ['Device-Id', String(attacker.device_id)]]), {
        status: 400,
        message: MESSAGES.deviceIdOnce,
      });
    });

    it("DELETE /device-logout with the attacker's id then the victim's: 400, nothing deleted", async () => {
      await arena().assertRefused(logout([...Object.entries(auth()), ['Device-Id', String(attacker.device_id)], ['device-id', String(victimDeviceId)]]), {
        status: 400,
        message: MESSAGES.deviceIdOnce,
      });
    });

    for (const [label, value] of MALFORMED_PATHS) {
      it(`DELETE /devices/:id with an id that is ${label}: 404, nothing deleted`, async () => {
        await arena().assertRefused({ method: 'DELETE', path: `/devices/${value}`, headers: auth() }, NOT_FOUND);
      });
    }

    for (const [label, value] of UNKNOWN_IDS) {
      it(`DELETE /device-logout and DELETE /devices/:id with ${label}: 404 (never a 5xx), nothing deleted`, async () => {
        await arena().assertRefused(logout({ ...auth(), 'Device-Id': value }), NOT_FOUND);
        await arena().assertRefused({ method: 'DELETE', path: `/devices/${value}`, headers: auth() }, NOT_FOUND);
      });
    }

    it("another user's device id answers exactly as an unknown one, on both routes, and the device lives", async () => {
      const unknown = await arena().assertRefused(logout({ ...auth(), 'Device-Id': '987654321' }), NOT_FOUND);
      const foreign = await arena().assertRefused(logout({ ...auth(), 'Device-Id': String(victimDeviceId) }), NOT_FOUND);
      const foreignPath = await arena().assertRefused({ method: 'DELETE', path: `/devices/${victimDeviceId}`, headers: auth() }, NOT_FOUND);
      assert.equal(foreign.text, unknown.text);
      assert.equal(foreignPath.text, unknown.text);
    });

    it('the id of a device already logged out: 404 on both routes, nothing deleted', async () => {
      await arena().assertRefused(logout({ ...auth(), 'Device-Id': String(deletedDeviceId) }), NOT_FOUND);
      await arena().assertRefused({ method: 'DELETE', path: `/devices/${deletedDeviceId}`, headers: auth() }, NOT_FOUND);
    });

    it('a malformed percent-encoding in :id gets a 4xx without framework internals, and deletes nothing', async () => {
      const before = await arena().snapshot();
      for (const path of ['/devices/%', '/devices/%E0%A4%A']) {
        const response = await arena().request({ method: 'DELETE', path, headers: auth() });
        assert.ok(response.status === 400 || response.status === 404, `${path}: ${response.status} ${response.text}`);
        assertNoInternals(response.text, arena().loot);
      }
      assert.deepEqual(await arena().snapshot(), before);
    });

    it('after every attempt above the table and every device of the victim are still there', async () => {
      const store = await arena().snapshot();
      assert.ok(store.devices.some(({ id }) => id === victimDeviceId));
      const listed = await arena().request<Array<{ id: number }>>({ method: 'GET', path: '/devices', headers: auth() });
      assert.equal(listed.status, 200);
      assert.equal(listed.json!.length, 2, "the attacker's own two devices are both still there");
    });
  });
});
