import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { beforeEach, describe, it } from 'node:test';
import { JwtDevicesClient, JwtDevicesClientError, memoryStorage, type JwtDevicesClientOptions, type SessionEndedEvent, type TokenStorage } from '../../lib/client/index.js';
import { FakeDeviceServer } from './fake-device-server.js';
import { asyncStorage, FakeChannels, FakeLocks, laggingStorages } from './fake-tabs.js';

const KEY = 'jwt-devices';

/** Lets the channel's messages and the async storage's turns run until `done()`, or gives up after many turns. */
async function settle(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !done(); turn++) await nextTurn();
}

describe('JwtDevicesClient', () => {
  let server: FakeDeviceServer;
  let storage: TokenStorage & { values: Map<string, string> };
  let locks: FakeLocks;
  let channels: FakeChannels;
  let ended: SessionEndedEvent[];

  beforeEach(() => {
    server = new FakeDeviceServer();
    storage = asyncStorage();
    locks = new FakeLocks();
    channels = new FakeChannels();
    ended = [];
  });

  /** A "tab": a client on the shared storage, lock and channel of one origin. */
  const tab = (options: JwtDevicesClientOptions = {}) =>
    new JwtDevicesClient({
      fetch: server.fetch,
      now: server.now,
      storage,
      locks,
      channel: channels.connect,
      onSessionEnded: (event) => ended.push(event),
      ...options,
    });

  const stored = () => storage.values.get(KEY);
  const authorizationsOf = (path: string) => server.requests.filter((request) => request.path === path).map((request) => request.headers.get('Authorization'));

  it('logs in with the username field and device name, stores the session and sends its access token', async () => {
    const client = tab({ usernameField: 'email', authHeaderPrefix: 'JWT' });
    assert.deepEqual(await client.login('zoë@example.com', 'right password', 'Pixel 8'), { deviceId: 1 });
    const login = server.requests[0]!;
    assert.deepEqual(JSON.parse(login.body!), { email: 'zoë@example.com', password: 'right password' });
    assert.equal(login.headers.get('X-Device-Model'), 'Pixel 8');
    assert.deepEqual(await client.session(), { deviceId: 1 });

    const response = await client.fetch('http://api.test/api/me');
    assert.equal(response.status, 200);
    const access = JSON.parse(stored()!).access as string;
    assert.deepEqual(authorizationsOf('/api/me'), [`JWT ${access}`]);
  });

  it('throws the server message on a refused login and stores nothing', async () => {
    const client = tab();
    await assert.rejects(client.login('zoë', 'wrong'), (error: unknown) => {
      assert.ok(error instanceof JwtDevicesClientError);
      assert.equal(error.status, 400);
      assert.equal(error.message, 'Unable to log in with provided credentials.');
      return true;
    });
    assert.equal(stored(), undefined);
  });

  it('calls the given fetch as a plain function, as browsers require of theirs', async () => {
    const strict = function (this: unknown, input: string | URL | Request, init?: RequestInit) {
      if (this !== undefined) throw new TypeError('Illegal invocation');
      return server.fetch(input, init);
    };
    const client = tab({ fetch: strict });
    await client.login('zoë', 'right password');
    server.advanceSeconds(301);
    assert.equal((await client.fetch('/api/me')).status, 200);
  });

  it('sends no Authorization header when logged out', async () => {
    const response = await tab().fetch('/api/me');
    assert.equal(response.status, 401);
    assert.deepEqual(authorizationsOf('/api/me'), [null]);
  });

  it('refreshes before expiry, within the skew, and keeps the rotated permanent token', async () => {
    const client = tab({ refreshSkewSeconds: 30 });
    await client.login('zoë', 'right password');
    const before = JSON.parse(stored()!) as { permanent: string };
    server.advanceSeconds(300 - 29);
    assert.equal((await client.fetch('/api/me')).status, 200);
    assert.equal(server.count('/device-refresh-token'), 1);
    assert.deepEqual(server.presented, [before.permanent]);
    const after = JSON.parse(stored()!) as { permanent: string };
    assert.equal(after.permanent, server.devices.get(1)!.permanent);
    assert.notEqual(after.permanent, before.permanent);
  });

  it('concurrent calls with an expired token share one refresh', async () => {
    const client = tab();
    await client.login('zoë', 'right password');
    server.advanceSeconds(301);
    const responses = await Promise.all(Array.from({ length: 8 }, () => client.fetch('/api/me')));
    assert.deepEqual(responses.map((response) => response.status), Array(8).fill(200));
    assert.equal(server.count('/device-refresh-token'), 1);
    assert.equal(server.devices.size, 1);
  });

  it('two tabs refreshing at once, round after round, never present one permanent token twice and keep the device', async () => {
    const [first, second] = [tab(), tab()];
    await first.login('zoë', 'right password');
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      server.advanceSeconds(301);
      const responses = await Promise.all([first.fetch('/api/me'), second.fetch('/api/me'), first.fetch('/api/me'), second.fetch('/api/me')]);
      assert.deepEqual(responses.map((response) => response.status), [200, 200, 200, 200], `round ${round}`);
    }
    assert.equal(new Set(server.presented).size, server.presented.length, 'a permanent token was presented twice');
    assert.equal(server.presented.length, rounds);
    assert.deepEqual([...server.devices.keys()], [1]);
    assert.deepEqual(ended, []);
  });

  it('two tabs whose copies of the storage lag behind each other still never present one permanent token twice', async () => {
    const [firstStorage, secondStorage] = laggingStorages(2, 30);
    const [first, second] = [tab({ storage: firstStorage }), tab({ storage: secondStorage })];
    await first.login('zoë', 'right password');
    await settle(() => false);
    for (let round = 0; round < 6; round++) {
      server.advanceSeconds(301);
      const responses = await Promise.all([first.fetch('/api/me'), second.fetch('/api/me')]);
      assert.deepEqual(responses.map((response) => response.status), [200, 200], `round ${round}`);
    }
    assert.equal(new Set(server.presented).size, server.presented.length, 'a permanent token was presented twice');
    assert.deepEqual([...server.devices.keys()], [1]);
    assert.deepEqual(ended, []);
  });

  it('tells the other tabs of a refresh without a token in the message', async () => {
    const [first, second] = [tab(), tab()];
    const heard: unknown[] = [];
    channels.connect(`jwt-devices:${KEY}`).addEventListener('message', ({ data }) => heard.push(data));
    const announced: number[] = [];
    second.on('session', ({ deviceId }) => announced.push(deviceId));
    await first.login('zoë', 'right password');
    server.advanceSeconds(301);
    await first.fetch('/api/me');
    await settle(() => announced.length === 2 && heard.length === 2);
    assert.deepEqual(announced, [1, 1]);
    assert.deepEqual(heard, [{ type: 'session', deviceId: 1, version: 1 }, { type: 'session', deviceId: 1, version: 2 }]);
  });

  it('a tab on storage of its own keeps its own device when another tab refreshes or logs out', async () => {
    const [first, second] = [tab({ storage: memoryStorage() }), tab({ storage: memoryStorage() })];
    await first.login('zoë', 'right password');
    await second.login('zoë', 'right password');
    server.advanceSeconds(301);
    assert.equal((await first.fetch('/api/me')).status, 200);
    await first.logout();
    await settle(() => false);
    assert.deepEqual(await second.session(), { deviceId: 2 });
    assert.equal((await second.fetch('/api/me')).status, 200);
    assert.deepEqual(ended, [{ deviceId: 1, reason: 'logout' }]);
  });

  it('a refresh refused as revoked clears the tokens and tells the app, in this tab and the other', async () => {
    const [first, second] = [tab(), tab()];
    const secondEnded: SessionEndedEvent[] = [];
    second.on('ended', (event) => secondEnded.push(event));
    await first.login('zoë', 'right password');
    server.devices.clear();
    server.advanceSeconds(301);
    const response = await first.fetch('/api/me');
    assert.equal(response.status, 401);
    assert.equal(stored(), undefined);
    assert.equal(await first.session(), null);
    await settle(() => secondEnded.length > 0);
    assert.deepEqual(ended, [{ deviceId: 1, reason: 'revoked' }, { deviceId: 1, reason: 'revoked' }]);
    assert.deepEqual(secondEnded, [{ deviceId: 1, reason: 'revoked' }]);
    assert.deepEqual(authorizationsOf('/api/me'), [null]);
  });

  it('after a 401 it refreshes once and retries once, however often the retry gets 401', async () => {
    const client = tab();
    await client.login('zoë', 'right password');
    server.refuseApi = true;
    const response = await client.fetch('/api/me');
    assert.equal(response.status, 401);
    assert.equal(server.count('/api/me'), 2);
    assert.equal(server.count('/device-refresh-token'), 1);
    const [first, retry] = authorizationsOf('/api/me');
    assert.notEqual(first, retry, 'the retry carries the refreshed token');
    assert.equal(retry, `Bearer ${JSON.parse(stored()!).access as string}`);
  });

  it('retries a Request after a 401 with its body intact', async () => {
    const client = tab();
    await client.login('zoë', 'right password');
    server.refuseApi = true;
    const request = new Request('http://api.test/api/me', { method: 'POST', body: 'payload', headers: { 'X-App': 'yes' } });
    await client.fetch(request);
    const sent = server.requests.filter((seen) => seen.path === '/api/me');
    assert.equal(sent.length, 2);
    for (const seen of sent) assert.equal(seen.headers.get('X-App'), 'yes');
  });

  it('a refresh that does not reach the server keeps the tokens and ends nothing', async () => {
    const client = tab();
    await client.login('zoë', 'right password');
    const before = stored();
    server.networkDown = true;
    server.advanceSeconds(301);
    await assert.rejects(client.fetch('/api/me'), (error: unknown) => error instanceof JwtDevicesClientError && error.status === undefined);
    assert.equal(stored(), before);
    assert.deepEqual(ended, []);
    server.networkDown = false;
    assert.equal((await client.fetch('/api/me')).status, 200);
  });

  it('a refresh ahead of expiry that cannot reach the server still sends the valid token', async () => {
    const client = tab({ refreshSkewSeconds: 30 });
    await client.login('zoë', 'right password');
    server.networkDown = true;
    server.advanceSeconds(290);
    assert.equal((await client.fetch('/api/me')).status, 200);
    assert.equal(server.count('/device-refresh-token'), 1);
  });

  it('logout sends Device-Id, forgets the tokens and tells the other tab', async () => {
    const [first, second] = [tab(), tab()];
    const secondEnded: SessionEndedEvent[] = [];
    second.on('ended', (event) => secondEnded.push(event));
    await first.login('zoë', 'right password');
    await first.logout();
    const logout = server.requests.find((request) => request.path === '/device-logout')!;
    assert.equal(logout.method, 'DELETE');
    assert.equal(logout.headers.get('Device-Id'), '1');
    assert.equal(server.devices.size, 0);
    assert.equal(stored(), undefined);
    await settle(() => secondEnded.length > 0);
    assert.deepEqual(secondEnded, [{ deviceId: 1, reason: 'logout' }]);
    assert.deepEqual(ended[0], { deviceId: 1, reason: 'logout' });
  });

  it('without Web Locks or a channel option (Node), clients of one process still refresh one at a time', async () => {
    const shared = memoryStorage();
    const clients = [0, 1, 2].map(() => new JwtDevicesClient({ fetch: server.fetch, now: server.now, storage: shared }));
    try {
      await clients[0]!.login('zoë', 'right password');
      for (let round = 0; round < 5; round++) {
        server.advanceSeconds(301);
        const responses = await Promise.all(clients.map((client) => client.fetch('/api/me')));
        assert.deepEqual(responses.map((response) => response.status), [200, 200, 200]);
      }
      assert.equal(server.presented.length, 5);
      assert.equal(new Set(server.presented).size, 5);
      assert.deepEqual([...server.devices.keys()], [1]);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
