import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FetchLike } from '../../lib/client/index.js';

/** One request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string | undefined;
}

interface FakeDevice {
  id: number;
  permanent: string;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The module's wire format in memory, for the client's unit tests: login, a rotating device refresh
 * that revokes a device whose rotated-away token comes back, device logout, and `GET /api/me`
 * guarded by the access token. It records every request and every permanent token presented.
 */
export class FakeDeviceServer {
  readonly requests: SeenRequest[] = [];
  /** Every permanent token shown to the refresh route, in order. */
  readonly presented: string[] = [];
  readonly devices = new Map<number, FakeDevice>();
  /** Milliseconds, read by the server and handed to the clients as their clock. */
  nowMs = Date.UTC(2026, 0, 1);
  accessTtlSeconds = 300;
  /** Answer every `GET /api/me` with 401, valid token or not. */
  refuseApi = false;
  /** Make the refresh route fail as a network error. */
  networkDown = false;
  private nextDevice = 1;
  private nextToken = 1;
  private readonly retired = new Map<string, number>();

  readonly now = (): number => this.nowMs;

  readonly fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://api.test');
    const seen: SeenRequest = {
      method: init.method ?? 'GET',
      path: url.pathname,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    this.requests.push(seen);
    // Let concurrent callers interleave, as over a network.
    await nextTurn();
    if (seen.path === '/device-refresh-token' && this.networkDown) throw new TypeError('fetch failed');
    await nextTurn();
    return this.answer(seen);
  };

  count(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  advanceSeconds(seconds: number): void {
    this.nowMs += seconds * 1000;
  }

  private answer({ method, path, headers, body }: SeenRequest): Response {
    if (method === 'POST' && path === '/auth-token') return this.login(body);
    if (method === 'POST' && path === '/device-refresh-token') return this.refresh(headers.get('Permanent-Token') ?? '');
    const device = this.authenticate(headers.get('Authorization'));
    if (device === undefined || (path === '/api/me' && this.refuseApi)) return json(401, { statusCode: 401, message: 'Invalid or expired access token.' });
    if (method === 'DELETE' && path === '/device-logout') {
      const id = Number(headers.get('Device-Id'));
      if (!this.devices.delete(id)) return json(404, { statusCode: 404, message: 'Not found.' });
      return new Response(null, { status: 204 });
    }
    if (method === 'GET' && path === '/api/me') return json(200, { device_id: device.id });
    return json(404, { statusCode: 404, message: 'Not found.' });
  }

  private login(body: string | undefined): Response {
    const credentials = JSON.parse(body ?? '{}') as Record<string, unknown>;
    if (credentials.password !== 'right password') return json(400, { statusCode: 400, message: 'Unable to log in with provided credentials.' });
    const device = { id: this.nextDevice++, permanent: this.newPermanent() };
    this.devices.set(device.id, device);
    return json(200, { token: this.accessToken(device), permanent_token: device.permanent, device_id: device.id });
  }

  private refresh(permanent: string): Response {
    this.presented.push(permanent);
    const device = [...this.devices.values()].find((candidate) => candidate.permanent === permanent);
    if (device === undefined) {
      // A rotated-away token is reuse: its device is revoked.
      const reused = this.retired.get(permanent);
      if (reused !== undefined) this.devices.delete(reused);
      return json(400, { statusCode: 400, message: 'Invalid permanent token.' });
    }
    this.retired.set(device.permanent, device.id);
    device.permanent = this.newPermanent();
    return json(200, { token: this.accessToken(device), permanent_token: device.permanent });
  }

  private authenticate(authorization: string | null): FakeDevice | undefined {
    const token = /^(?:Bearer|JWT) (\S+)$/.exec(authorization ?? '')?.[1];
    if (token === undefined) return undefined;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { device_id: string; exp: number };
    if (claims.exp * 1000 <= this.nowMs) return undefined;
    return this.devices.get(Number(claims.device_id));
  }

  private accessToken(device: FakeDevice): string {
    const iat = Math.floor(this.nowMs / 1000);
    const payload = { user_id: 1, username: 'zoë', device_id: String(device.id), iat, exp: iat + this.accessTtlSeconds, jti: String(this.nextToken++) };
    return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}.signature`;
  }

  private newPermanent(): string {
    return `permanent-${this.nextToken++}`;
  }
}

function json(status: number, body: object): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
