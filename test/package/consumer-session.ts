import assert from 'node:assert/strict';
import { request } from '../support/http.js';
import { CONSUMER_APP_USER } from './consumer-app.js';

interface Login {
  token: string;
  permanent_token: string;
  device_id: number;
}

interface DeviceListEntry {
  id: number;
  name: string;
  current: boolean;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * A user's session against a consumer app listening at `url`, over HTTP: the global guard refuses
 * and admits, the app's strict ValidationPipe leaves the module's routes alone, a device refresh
 * rotates the permanent token, the device list shows the device, logout kills its tokens.
 */
export async function runConsumerSession(url: string): Promise<void> {
  const refused = await request(url, { method: 'GET', path: '/me' });
  assert.equal(refused.status, 401, refused.text);
  const health = await request(url, { method: 'GET', path: '/health' });
  assert.equal(health.status, 200, health.text);
  assert.deepEqual(health.json, { ok: true });
  const wrong = await request(url, { method: 'POST', path: '/auth-token', body: { ...CONSUMER_APP_USER, password: 'wrong-password' } });
  assert.equal(wrong.status, 400, wrong.text);

  // An extra field: the module's DTOs accept it under whitelist + forbidNonWhitelisted, as drf clients send such.
  const login = await request<Login>(url, {
    method: 'POST',
    path: '/auth-token',
    headers: { 'X-Device-Model': 'consumer-app' },
    body: { ...CONSUMER_APP_USER, remember: true },
  });
  assert.equal(login.status, 200, login.text);
  assert.deepEqual(Object.keys(login.json!).sort(), ['device_id', 'permanent_token', 'token']);
  const { token, permanent_token: permanentToken, device_id: deviceId } = login.json!;

  const me = await request(url, { method: 'GET', path: '/me', headers: bearer(token) });
  assert.equal(me.status, 200, me.text);
  assert.deepEqual(me.json, { username: CONSUMER_APP_USER.username, device_id: deviceId });

  const refreshed = await request<{ token: string; permanent_token: string }>(url, {
    method: 'POST',
    path: '/device-refresh-token',
    headers: { 'Permanent-Token': permanentToken },
  });
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.notEqual(refreshed.json!.permanent_token, permanentToken, 'a device refresh rotates the permanent token');
  // Within the rotation grace period the previous token is refused, and the device stays.
  const previous = await request(url, { method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': permanentToken } });
  assert.equal(previous.status, 400, previous.text);

  const devices = await request<DeviceListEntry[]>(url, { method: 'GET', path: '/devices', headers: bearer(refreshed.json!.token) });
  assert.equal(devices.status, 200, devices.text);
  assert.deepEqual(devices.json!.map(({ id, name, current }) => ({ id, name, current })), [{ id: deviceId, name: 'consumer-app', current: true }]);

  const logout = await request(url, { method: 'DELETE', path: '/device-logout', headers: { ...bearer(token), 'Device-Id': String(deviceId) } });
  assert.equal(logout.status, 204, logout.text);
  for (const oldToken of [token, refreshed.json!.token]) {
    const after = await request(url, { method: 'GET', path: '/me', headers: bearer(oldToken) });
    assert.equal(after.status, 401, `an access token of a logged-out device: ${after.text}`);
  }
  const deadRefresh = await request(url, { method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': refreshed.json!.permanent_token } });
  assert.equal(deadRefresh.status, 400, deadRefresh.text);
}
