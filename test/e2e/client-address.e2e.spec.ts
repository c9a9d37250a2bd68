import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import { TestApp, type LoginBody } from '../fixtures/test-app.js';

interface ListedDevice {
  id: number;
  login_address?: string | null;
  last_address?: string | null;
}

const LOCAL = /^(::ffff:)?127\.0\.0\.1$/;

/** Express trusts one proxy hop here; the Fastify app trusts none, as by default. */
function trustOneProxyOnExpress(app: INestApplication): void {
  const instance = app.getHttpAdapter().getInstance() as { set?: (name: string, value: unknown) => void };
  instance.set?.('trust proxy', 1);
}

forEachServer((database) => {
  describe('storeClientAddress', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    let off: TestApp;
    let unrotated: TestApp;
    let adapter: string | undefined;
    before(async () => {
      app = await TestApp.start(db(), { module: { storeClientAddress: true }, setUp: trustOneProxyOnExpress });
      adapter = app.app.getHttpAdapter().getType();
    });
    after(async () => {
      await app.close();
      await off?.close();
      await unrotated?.close();
    });

    const list = async (token: string) => {
      const response = await app.request<ListedDevice[]>({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200, response.text);
      return response.json!;
    };

    it("stores the address of the login as the app's trust proxy setting computes it, and lists it", async () => {
      const session = await app.login('alice', { 'X-Forwarded-For': '203.0.113.7' });
      const [row] = (await app.devices()).filter(({ id }) => id === session.device_id);
      if (adapter === 'express') {
        assert.equal(row!.loginAddress, '203.0.113.7');
      } else {
        // Without trust proxy, X-Forwarded-For is anyone's to write: the socket's address counts.
        assert.match(row!.loginAddress!, LOCAL);
      }
      assert.equal(row!.lastAddress, row!.loginAddress);
      const [listed] = await list(session.token);
      assert.deepEqual(listed, { ...listed, login_address: row!.loginAddress, last_address: row!.lastAddress });
    });

    it('updates the last address on a refresh from elsewhere and keeps the login address', async () => {
      const session = await app.login('alice', { 'X-Forwarded-For': '203.0.113.7' });
      const refreshed = await app.request<LoginBody>({
        method: 'POST',
        path: '/device-refresh-token',
        headers: { 'Permanent-Token': session.permanent_token, 'X-Forwarded-For': '198.51.100.9' },
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      const [row] = (await app.devices()).filter(({ id }) => id === session.device_id);
      const expectedLast = adapter === 'express' ? '198.51.100.9' : row!.loginAddress;
      assert.equal(row!.lastAddress, expectedLast);
      assert.equal(row!.loginAddress, adapter === 'express' ? '203.0.113.7' : row!.loginAddress);
      const listed = (await list(refreshed.json!.token)).find(({ id }) => id === session.device_id)!;
      assert.equal(listed.last_address, expectedLast);
      assert.equal(listed.login_address, row!.loginAddress);
    });

    it('without rotation, a refresh from elsewhere records the new address and keeps the last use inside the accuracy window', async () => {
      unrotated = await TestApp.start(db(), {
        module: { storeClientAddress: true, rotatePermanentTokens: false, permanentTokenExpirationAccuracy: '30m' },
        setUp: trustOneProxyOnExpress,
      });
      const session = await unrotated.login('alice', { 'X-Forwarded-For': '203.0.113.7' });
      const [before] = (await unrotated.devices()).filter(({ id }) => id === session.device_id);
      const refresh = (from: string) =>
        unrotated.request<LoginBody>({
          method: 'POST',
          path: '/device-refresh-token',
          headers: { 'Permanent-Token': session.permanent_token, 'X-Forwarded-For': from },
        });
      const refreshed = await refresh('198.51.100.9');
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(refreshed.json!.permanent_token, undefined, 'no rotation: the permanent token stays');
      const [row] = (await unrotated.devices()).filter(({ id }) => id === session.device_id);
      assert.equal(row!.lastAddress, adapter === 'express' ? '198.51.100.9' : before!.loginAddress);
      assert.equal(row!.loginAddress, before!.loginAddress);
      assert.equal(row!.lastRequestDatetime, before!.lastRequestDatetime, 'inside the accuracy window the last use is not rewritten');
      assert.equal((await refresh('198.51.100.10')).status, 200);
      const [again] = (await unrotated.devices()).filter(({ id }) => id === session.device_id);
      assert.equal(again!.lastAddress, adapter === 'express' ? '198.51.100.10' : before!.loginAddress);
    });

    it('is off by default: no address is stored or listed', async () => {
      off = await TestApp.start(db(), { setUp: trustOneProxyOnExpress });
      const session = await off.login('alice', { 'X-Forwarded-For': '203.0.113.7' });
      const refreshed = await off.request<LoginBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': session.permanent_token } });
      assert.equal(refreshed.status, 200, refreshed.text);
      const [row] = (await off.devices()).filter(({ id }) => id === session.device_id);
      assert.equal(row!.loginAddress, null);
      assert.equal(row!.lastAddress, null);
      const response = await off.request<ListedDevice[]>({ method: 'GET', path: '/devices', headers: { Authorization: `Bearer ${refreshed.json!.token}` } });
      assert.equal(response.status, 200, response.text);
      for (const device of response.json!) assert.deepEqual(Object.keys(device).sort(), ['created', 'current', 'details', 'id', 'last_request_datetime', 'name']);
    });
  });
});
