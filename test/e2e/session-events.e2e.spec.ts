import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import {
  DefaultSessionEventsListener,
  DevicesService,
  JwtDevicesEvents,
  SESSION_EVENTS_LISTENER,
  type SessionEvent,
  type SessionEventName,
  type SessionEventPayloads,
  type SessionEventsListener,
} from '../../lib/index.js';
import { useTestApp, type TestApp } from '../fixtures/test-app.js';
import { forEachServer, useFreshDatabase } from '../support/databases.js';

interface RefreshBody {
  token: string;
  permanent_token?: string;
}

/** Every session event the app's EventEmitter2 delivered, in order, through one `@OnEvent` per name. */
@Injectable()
class CollectedEvents {
  readonly events: SessionEvent[] = [];

  @OnEvent(JwtDevicesEvents.login)
  onLogin(payload: SessionEventPayloads['jwt-devices.login']): void {
    this.events.push({ name: JwtDevicesEvents.login, payload });
  }

  @OnEvent(JwtDevicesEvents.refresh)
  onRefresh(payload: SessionEventPayloads['jwt-devices.refresh']): void {
    this.events.push({ name: JwtDevicesEvents.refresh, payload });
  }

  @OnEvent(JwtDevicesEvents.reuseDetected)
  onReuse(payload: SessionEventPayloads['jwt-devices.reuse-detected']): void {
    this.events.push({ name: JwtDevicesEvents.reuseDetected, payload });
  }

  @OnEvent(JwtDevicesEvents.logout)
  onLogout(payload: SessionEventPayloads['jwt-devices.logout']): void {
    this.events.push({ name: JwtDevicesEvents.logout, payload });
  }

  @OnEvent(JwtDevicesEvents.deviceRevoked)
  onDeviceRevoked(payload: SessionEventPayloads['jwt-devices.device-revoked']): void {
    this.events.push({ name: JwtDevicesEvents.deviceRevoked, payload });
  }

  @OnEvent(JwtDevicesEvents.userDevicesRevoked)
  onUserDevicesRevoked(payload: SessionEventPayloads['jwt-devices.user-devices-revoked']): void {
    this.events.push({ name: JwtDevicesEvents.userDevicesRevoked, payload });
  }

  @OnEvent(JwtDevicesEvents.devicesPurged)
  onDevicesPurged(payload: SessionEventPayloads['jwt-devices.devices-purged']): void {
    this.events.push({ name: JwtDevicesEvents.devicesPurged, payload });
  }
}

/** Listeners that fail, one synchronously and one by rejecting, with Nest's own error suppression off. */
@Injectable()
class FailingListeners {
  @OnEvent(JwtDevicesEvents.login, { suppressErrors: false })
  @OnEvent(JwtDevicesEvents.logout, { suppressErrors: false })
  throws(): void {
    throw new Error('listener failed');
  }

  @OnEvent(JwtDevicesEvents.login, { suppressErrors: false })
  @OnEvent(JwtDevicesEvents.refresh, { suppressErrors: false })
  @OnEvent(JwtDevicesEvents.deviceRevoked, { suppressErrors: false })
  async rejects(): Promise<void> {
    throw new Error('listener rejected');
  }
}

/** An app's own listener in place of the default: throws on logins, rejects on refreshes, keeps everything. */
class OwnListener implements SessionEventsListener {
  readonly events: SessionEvent[] = [];

  handle(event: SessionEvent): void | Promise<void> {
    this.events.push(event);
    if (event.name === JwtDevicesEvents.login) throw new Error('own listener failed');
    if (event.name === JwtDevicesEvents.refresh) return Promise.reject(new Error('own listener rejected'));
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Listeners run after the answer may have been sent: give them a moment before counting. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25));
}

function refresh(app: TestApp, permanentToken: string) {
  return app.request<RefreshBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': permanentToken } });
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

forEachServer((database) => {
  describe('session events through the app\'s EventEmitter2', () => {
    const db = useFreshDatabase(database);
    const testApp = useTestApp(db, { imports: [EventEmitterModule.forRoot()], appProviders: [CollectedEvents] });
    /** Every token the suite saw, and their hashes: none may appear in an event. */
    const secrets: string[] = [];
    before(() => {
      for (const name of ['carol', 'dave', 'erin']) testApp().users.add(name, `${name}-password`);
    });

    function collected(): CollectedEvents {
      return testApp().app.get(CollectedEvents);
    }

    /** The events emitted while `action` ran. */
    async function eventsOf(action: () => Promise<void>): Promise<SessionEvent[]> {
      await settle();
      const mark = collected().events.length;
      await action();
      await settle();
      return collected().events.slice(mark);
    }

    function only<N extends SessionEventName>(events: SessionEvent[], name: N): SessionEventPayloads[N] {
      assert.deepEqual(events.map((event) => event.name), [name]);
      return events[0].payload as SessionEventPayloads[N];
    }

    async function login(username = 'alice', headers: Record<string, string> = {}) {
      const body = await testApp().login(username, headers);
      secrets.push(body.token, body.permanent_token, sha256Hex(body.permanent_token));
      return body;
    }

    function userId(username: string): string | number {
      return testApp().users.byName(username).id;
    }

    it('a login emits jwt-devices.login with the user, the new device, the clock\'s time and the client address', async () => {
      const app = testApp();
      let body: { device_id: number } | undefined;
      const events = await eventsOf(async () => {
        body = await login('alice', { 'X-Device-Model': 'Pixel 9' });
      });
      assert.deepEqual(only(events, JwtDevicesEvents.login), {
        userId: userId('alice'),
        deviceId: body!.device_id,
        deviceName: 'Pixel 9',
        ip: '127.0.0.1',
        at: app.clock.now(),
      });
      assert.ok((await app.devices()).some((device) => device.id === body!.device_id), 'the device exists');
    });

    it('a device refresh emits jwt-devices.refresh with rotated: true', async () => {
      const app = testApp();
      const session = await login('alice', { 'X-Device-Model': 'Tablet' });
      let status = 0;
      const events = await eventsOf(async () => {
        const response = await refresh(app, session.permanent_token);
        status = response.status;
        secrets.push(response.json!.token, response.json!.permanent_token!, sha256Hex(response.json!.permanent_token!));
      });
      assert.equal(status, 200);
      assert.deepEqual(only(events, JwtDevicesEvents.refresh), {
        userId: userId('alice'),
        deviceId: session.device_id,
        deviceName: 'Tablet',
        rotated: true,
        ip: '127.0.0.1',
        at: app.clock.now(),
      });
    });

    it('a rotated-away token after the grace period emits jwt-devices.reuse-detected and device-revoked (reason reuse), after the device is gone', async () => {
      const app = testApp();
      const session = await login('bob', { 'X-Device-Model': 'Stolen phone' });
      const first = await refresh(app, session.permanent_token);
      assert.equal(first.status, 200);
      secrets.push(first.json!.permanent_token!, sha256Hex(first.json!.permanent_token!));
      app.clock.advance(11);
      let status = 0;
      const events = await eventsOf(async () => {
        status = (await refresh(app, session.permanent_token)).status;
      });
      assert.equal(status, 400);
      const device = { userId: userId('bob'), deviceId: session.device_id, deviceName: 'Stolen phone', ip: '127.0.0.1', at: app.clock.now() };
      assert.deepEqual(events, [
        { name: JwtDevicesEvents.reuseDetected, payload: device },
        { name: JwtDevicesEvents.deviceRevoked, payload: { ...device, reason: 'reuse' } },
      ]);
      assert.ok(!(await app.devices()).some(({ id }) => id === session.device_id), 'the device is revoked');
    });

    it('DELETE /device-logout of the caller\'s own device emits jwt-devices.logout', async () => {
      const app = testApp();
      const session = await login('alice', { 'X-Device-Model': 'Laptop' });
      let status = 0;
      const events = await eventsOf(async () => {
        const headers = { ...bearer(session.token), 'Device-Id': String(session.device_id) };
        status = (await app.request({ method: 'DELETE', path: '/device-logout', headers })).status;
      });
      assert.equal(status, 204);
      assert.deepEqual(only(events, JwtDevicesEvents.logout), {
        userId: userId('alice'),
        deviceId: session.device_id,
        deviceName: 'Laptop',
        ip: '127.0.0.1',
        at: app.clock.now(),
      });
      assert.ok(!(await app.devices()).some(({ id }) => id === session.device_id), 'the device is gone');
    });

    it('DELETE /devices/:id of another device emits jwt-devices.device-revoked with reason user; a 404 emits nothing', async () => {
      const app = testApp();
      const caller = await login('alice', { 'X-Device-Model': 'Desk' });
      const other = await login('alice', { 'X-Device-Model': 'Old phone' });
      let status = 0;
      const events = await eventsOf(async () => {
        status = (await app.request({ method: 'DELETE', path: `/devices/${other.device_id}`, headers: bearer(caller.token) })).status;
      });
      assert.equal(status, 204);
      assert.deepEqual(only(events, JwtDevicesEvents.deviceRevoked), {
        userId: userId('alice'),
        deviceId: other.device_id,
        deviceName: 'Old phone',
        reason: 'user',
        ip: '127.0.0.1',
        at: app.clock.now(),
      });
      const again = await eventsOf(async () => {
        status = (await app.request({ method: 'DELETE', path: `/devices/${other.device_id}`, headers: bearer(caller.token) })).status;
      });
      assert.equal(status, 404);
      assert.deepEqual(again, []);
    });

    it('POST /devices/logout-others emits one jwt-devices.device-revoked (reason logout-others) per other device', async () => {
      const app = testApp();
      const kept = await login('carol', { 'X-Device-Model': 'Kept' });
      const first = await login('carol', { 'X-Device-Model': 'First' });
      const second = await login('carol', { 'X-Device-Model': 'Second' });
      let body: unknown;
      const events = await eventsOf(async () => {
        body = (await app.request({ method: 'POST', path: '/devices/logout-others', headers: bearer(kept.token) })).json;
      });
      assert.deepEqual(body, { revoked: 2 });
      const revoked = (deviceId: number, deviceName: string) => ({
        name: JwtDevicesEvents.deviceRevoked,
        payload: { userId: userId('carol'), deviceId, deviceName, reason: 'logout-others', ip: '127.0.0.1', at: app.clock.now() },
      });
      assert.deepEqual(
        [...events].sort((a, b) => (a.payload as { deviceId: number }).deviceId - (b.payload as { deviceId: number }).deviceId),
        [revoked(first.device_id, 'First'), revoked(second.device_id, 'Second')],
      );
      assert.deepEqual((await app.devices()).filter(({ userId: owner }) => owner === String(userId('carol'))).map(({ id }) => id), [kept.device_id]);
    });

    it('DevicesService.revokeAllForUser emits one jwt-devices.user-devices-revoked with every device id', async () => {
      const app = testApp();
      const one = await login('dave');
      const two = await login('dave');
      let revoked = 0;
      const events = await eventsOf(async () => {
        revoked = await app.app.get(DevicesService).revokeAllForUser(userId('dave'));
      });
      assert.equal(revoked, 2);
      const payload = only(events, JwtDevicesEvents.userDevicesRevoked);
      assert.deepEqual({ ...payload, deviceIds: [...payload.deviceIds].sort((a, b) => a - b) }, {
        userId: userId('dave'),
        deviceIds: [one.device_id, two.device_id],
        at: app.clock.now(),
      });
      assert.deepEqual(await eventsOf(async () => void (await app.app.get(DevicesService).revokeAllForUser(userId('dave')))), []);
    });

    it('DevicesService.revoke from the app\'s code emits jwt-devices.device-revoked with reason app and no address', async () => {
      const app = testApp();
      const session = await login('alice', { 'X-Device-Model': 'Kiosk' });
      const events = await eventsOf(async () => {
        assert.equal(await app.app.get(DevicesService).revoke(userId('alice'), session.device_id), true);
      });
      assert.deepEqual(only(events, JwtDevicesEvents.deviceRevoked), {
        userId: userId('alice'),
        deviceId: session.device_id,
        deviceName: 'Kiosk',
        reason: 'app',
        ip: undefined,
        at: app.clock.now(),
      });
    });

    it('DevicesService.purgeExpired emits jwt-devices.devices-purged with the count, and nothing when none expired', async () => {
      const app = testApp();
      await login('erin');
      app.clock.advance(8 * 24 * 3600);
      const live = await login('erin');
      let purged = 0;
      const events = await eventsOf(async () => {
        purged = await app.app.get(DevicesService).purgeExpired();
      });
      assert.ok(purged >= 1, `purged ${purged}`);
      assert.deepEqual(only(events, JwtDevicesEvents.devicesPurged), { count: purged, at: app.clock.now() });
      assert.deepEqual((await app.devices()).map(({ id }) => id), [live.device_id]);
      assert.deepEqual(await eventsOf(async () => void (await app.app.get(DevicesService).purgeExpired())), []);
    });

    it('no emitted payload holds a token or a token hash of the suite', async () => {
      const app = testApp();
      for (const device of await app.devices()) secrets.push(...[device.tokenHash, device.legacyTokenHash].filter((hash): hash is string => hash !== null));
      const events = collected().events;
      assert.ok(events.length >= 10, `${events.length} events`);
      const serialised = JSON.stringify(events);
      for (const secret of secrets) assert.ok(!serialised.includes(secret), 'a token or a hash reached an event');
      for (const { payload } of events) {
        assert.deepEqual(Object.keys(payload).filter((key) => /token|hash/i.test(key)), []);
      }
    });
  });

  describe('session events with maxDevicesPerUser', () => {
    const db = useFreshDatabase(database);
    const testApp = useTestApp(db, { module: { maxDevicesPerUser: 1 }, imports: [EventEmitterModule.forRoot()], appProviders: [CollectedEvents] });

    it('a login over the cap emits jwt-devices.device-revoked (reason device-cap) for the device it evicts, then jwt-devices.login', async () => {
      const app = testApp();
      const first = await app.login('alice', { 'X-Device-Model': 'Evicted' });
      await settle();
      const mark = app.app.get(CollectedEvents).events.length;
      const second = await app.login('alice', { 'X-Device-Model': 'Newest' });
      await settle();
      const base = { userId: app.users.byName('alice').id, ip: '127.0.0.1', at: app.clock.now() };
      assert.deepEqual(app.app.get(CollectedEvents).events.slice(mark), [
        { name: JwtDevicesEvents.deviceRevoked, payload: { ...base, deviceId: first.device_id, deviceName: 'Evicted', reason: 'device-cap' } },
        { name: JwtDevicesEvents.login, payload: { ...base, deviceId: second.device_id, deviceName: 'Newest' } },
      ]);
      assert.deepEqual((await app.devices()).map(({ id }) => id), [second.device_id]);
    });
  });

  describe('session event listeners that throw or reject', () => {
    const db = useFreshDatabase(database);
    const testApp = useTestApp(db, { imports: [EventEmitterModule.forRoot()], appProviders: [FailingListeners] });

    it('change no answer: login 200, refresh 200, DELETE /devices/:id 204, DELETE /device-logout 204, the changes are stored, no rejection unhandled', async () => {
      const app = testApp();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      after(() => void process.off('unhandledRejection', onUnhandled));
      const session = await app.login('alice');
      const other = await app.login('alice');
      const refreshed = await refresh(app, session.permanent_token);
      assert.equal(refreshed.status, 200, refreshed.text);
      const removed = await app.request({ method: 'DELETE', path: `/devices/${other.device_id}`, headers: bearer(session.token) });
      assert.equal(removed.status, 204, removed.text);
      const headers = { ...bearer(refreshed.json!.token), 'Device-Id': String(session.device_id) };
      const logout = await app.request({ method: 'DELETE', path: '/device-logout', headers });
      assert.equal(logout.status, 204, logout.text);
      await settle();
      assert.deepEqual(await app.devices(), []);
      assert.deepEqual(unhandled, []);
    });
  });

  describe('an app without EventEmitterModule', () => {
    const db = useFreshDatabase(database);
    const testApp = useTestApp(db);

    it('gets the default listener, which finds no EventEmitter2 and does nothing; login still answers 200', async () => {
      const app = testApp();
      const listener = app.app.get<SessionEventsListener>(SESSION_EVENTS_LISTENER);
      assert.ok(listener instanceof DefaultSessionEventsListener);
      await app.login('alice');
      assert.equal(listener.resolveEmitter(), null);
      assert.equal((await app.devices()).length, 1);
    });
  });

  describe('an app replacing SESSION_EVENTS_LISTENER', () => {
    const db = useFreshDatabase(database);
    const own = new OwnListener();
    const testApp = useTestApp(db, { providers: [{ provide: SESSION_EVENTS_LISTENER, useValue: own }] });

    it('gets the events in its own listener; its throw and rejection change no answer', async () => {
      const app = testApp();
      const session = await app.login('alice', { 'X-Device-Model': 'Own' });
      const refreshed = await refresh(app, session.permanent_token);
      assert.equal(refreshed.status, 200, refreshed.text);
      await settle();
      const base = { userId: app.users.byName('alice').id, deviceId: session.device_id, deviceName: 'Own', ip: '127.0.0.1', at: app.clock.now() };
      assert.deepEqual(own.events, [
        { name: JwtDevicesEvents.login, payload: base },
        { name: JwtDevicesEvents.refresh, payload: { ...base, rotated: true } },
      ]);
    });
  });
});
