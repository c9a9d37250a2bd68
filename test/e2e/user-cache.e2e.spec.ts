import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DevicesService } from '../../lib/index.js';
import { TestApp } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';
import type { HttpResponse } from '../support/http.js';

function profile(app: TestApp, accessToken: string): Promise<HttpResponse<{ id: number; username: string }>> {
  return app.request({ method: 'GET', path: '/profile', headers: { Authorization: `Bearer ${accessToken}` } });
}

/** Counts the module's calls of the app's findById from now on. */
function countFindById(app: TestApp): { readonly calls: number } {
  const counter = { calls: 0 };
  const findById = app.users.findById.bind(app.users);
  app.users.findById = (id) => {
    counter.calls++;
    return findById(id);
  };
  return counter;
}

forEachServer((database) => {
  describe('userCacheTtl: 60 with deviceCacheTtl: 300', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { deviceCacheTtl: 300, userCacheTtl: 60, accessTokenTtl: '1h' } });
    });
    after(() => app.close());
    beforeEach(() => {
      for (const name of ['carol', 'dave']) if (!app.users.has(name)) app.users.add(name, `${name}-password`);
    });

    it('asks findById once per device and minute: a second request is answered from the cache', async () => {
      const login = await app.login('carol');
      const calls = countFindById(app);
      const first = await profile(app, login.token);
      assert.equal(first.status, 200, first.text);
      const second = await profile(app, login.token);
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(second.json, first.json);
      assert.equal(calls.calls, 1);
      app.clock.advance(61);
      assert.equal((await profile(app, login.token)).status, 200);
      assert.equal(calls.calls, 2, 'asked again once the minute passed');
    });

    it('keeps a user disabled without revokeAllForUser for up to userCacheTtl, then 401', async () => {
      const login = await app.login('dave');
      assert.equal((await profile(app, login.token)).status, 200);
      app.users.disable('dave');
      assert.equal((await profile(app, login.token)).status, 200, 'the cached user, as documented');
      app.clock.advance(59);
      assert.equal((await profile(app, login.token)).status, 200);
      app.clock.advance(2);
      assert.equal((await profile(app, login.token)).status, 401);
      app.users.enable('dave');
    });

    it('drops the user with the device: revokeAllForUser answers 401 at once, and a new login asks findById again', async () => {
      const login = await app.login('carol');
      assert.equal((await profile(app, login.token)).status, 200);
      app.users.disable('carol');
      assert.ok((await app.app.get(DevicesService).revokeAllForUser(app.users.byName('carol').id)) >= 1);
      assert.equal((await profile(app, login.token)).status, 401);
      app.users.enable('carol');
      const again = await app.login('carol');
      const calls = countFindById(app);
      assert.equal((await profile(app, again.token)).status, 200);
      assert.equal(calls.calls, 1, 'nothing of the revoked device was kept');
    });
  });

  describe('userCacheTtl: 0 (the default) with deviceCacheTtl: 300', () => {
    const db = useFreshDatabase(database);
    let app: TestApp;
    before(async () => {
      app = await TestApp.start(db(), { module: { deviceCacheTtl: 300 } });
    });
    after(() => app.close());

    it('asks findById on every request: a disabled user gets 401 at once', async () => {
      const login = await app.login('bob');
      const calls = countFindById(app);
      assert.equal((await profile(app, login.token)).status, 200);
      assert.equal((await profile(app, login.token)).status, 200);
      assert.equal(calls.calls, 2);
      app.users.disable('bob');
      assert.equal((await profile(app, login.token)).status, 401);
    });
  });
});
