import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { after, before } from 'node:test';
import { Device, RetiredToken } from '../../../lib/index.js';
import { TestAppController } from '../../fixtures/test-app.controller.js';
import { TestApp, type LoginBody, type TestAppOptions } from '../../fixtures/test-app.js';
import type { CreatedDatabase } from '../../support/databases.js';
import type { HttpResponse, RequestHeaders, RequestOptions } from '../../support/http.js';
import { sendRawRequest } from '../../support/raw-http.js';
import { assertCleanError, assertServerRefusal, MESSAGES } from './clean-errors.js';
import { sha256Hex, signatureOf } from './jws-forge.js';

/** The module's limit on access tokens, which the body validation of verify reports in its own words. */
const MAX_TOKEN_LENGTH = 8192;

export interface RefreshBody {
  token: string;
  permanent_token?: string;
}

/** Every row the module keeps, as plain values: what a refused request must leave exactly as it was. */
export interface StoreSnapshot {
  devices: Array<Record<string, unknown>>;
  retired: Array<Record<string, unknown>>;
}

export interface Refusal {
  status: number;
  /** The exact `message`; any text when omitted. */
  message?: unknown;
  /** Instead of `message`: the messages allowed, where Express and Fastify word a parser failure apart. */
  oneOf?: unknown[];
  /**
   * What must be unchanged: every row (the default), or the Device rows only, after a race that
   * may have left a rotated-away hash of a deleted device for a later request to clean up.
   */
  unchanged?: 'store' | 'devices';
}

/**
 * A TestApp seen by an attacker: it remembers every credential it handed out (the "loot"), so
 * each answer can be checked for leaking any of them, and it compares the whole store before
 * and after a refused request.
 */
export class Arena {
  private readonly secrets = new Set<string>();

  constructor(readonly app: TestApp) {}

  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>> {
    return this.app.request<T>(options);
  }

  /** Logs in and keeps the credentials as loot. */
  async login(username = 'alice', headers: Record<string, string> = {}): Promise<LoginBody> {
    const body = await this.app.login(username, headers);
    this.remember(body.token, body.permanent_token);
    return body;
  }

  /** A device refresh; its new credentials become loot too. */
  async refresh(permanentToken: string): Promise<HttpResponse<RefreshBody>> {
    const response = await this.request<RefreshBody>({ method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': permanentToken } });
    if (response.json?.token) this.remember(response.json.token, response.json.permanent_token);
    return response;
  }

  /** Tokens, their signature segments and the hashes of permanent tokens. */
  remember(accessToken?: string, permanentToken?: string): void {
    if (accessToken) {
      this.secrets.add(accessToken);
      this.secrets.add(signatureOf(accessToken));
    }
    if (permanentToken) {
      this.secrets.add(permanentToken);
      this.secrets.add(sha256Hex(permanentToken));
    }
  }

  get loot(): string[] {
    return [...this.secrets];
  }

  async snapshot(): Promise<StoreSnapshot> {
    const source = this.app.dataSource;
    const devices = await source.getRepository(Device).find({ order: { id: 'ASC' } });
    const retired = await source.getRepository(RetiredToken).find({ order: { tokenHash: 'ASC' } });
    return { devices: devices.map((row) => ({ ...row })), retired: retired.map((row) => ({ ...row })) };
  }

  /**
   * Sends the request and checks the refusal: the status and a clean body, no app handler ran,
   * and every Device and RetiredToken row is exactly as before. Returns the answer.
   */
  async assertRefused(request: RequestOptions, refusal: Refusal): Promise<HttpResponse> {
    const before = await this.snapshot();
    const calls = TestAppController.calls;
    const response = await this.request(request);
    assertCleanError(response, refusal.status, refusal.message, this.loot);
    if (refusal.oneOf) assert.ok(refusal.oneOf.some((message) => isDeepStrictEqual(message, (response.json as { message?: unknown }).message)), response.text);
    if (response.status === 401) assert.match(String(response.headers['www-authenticate']), /^Bearer realm="api"(, error="invalid_token")?$/);
    assert.equal(TestAppController.calls, calls, 'an app handler ran');
    const after = await this.snapshot();
    if (refusal.unchanged === 'devices') assert.deepEqual(after.devices, before.devices, 'a Device row changed');
    else assert.deepEqual(after, before, 'the device store changed');
    return response;
  }

  /**
   * Writes raw bytes (NUL and CR included, which Node's client refuses) and checks what the HTTP
   * server answers before the app runs: the status, no internals or secrets, no handler, no change.
   */
  async assertRawRefused(bytes: string | Buffer, status: number): Promise<HttpResponse> {
    const before = await this.snapshot();
    const calls = TestAppController.calls;
    const response = await sendRawRequest(this.app.url, bytes);
    assertServerRefusal(response, status, this.loot);
    assert.equal(TestAppController.calls, calls, 'an app handler ran');
    assert.deepEqual(await this.snapshot(), before, 'the device store changed');
    return response;
  }

  /** The `Host` line for raw requests. */
  get host(): string {
    return new URL(this.app.url).host;
  }

  /** An access token is refused wherever it is shown: an app route, a destructive module route and verify. */
  async assertAccessTokenRefused(headers: RequestHeaders, bodyToken?: string): Promise<void> {
    const unauthorized = { status: 401, message: MESSAGES.invalidAccessToken };
    await this.assertRefused({ method: 'GET', path: '/profile', headers }, unauthorized);
    await this.assertRefused({ method: 'POST', path: '/devices/logout-others', headers }, unauthorized);
    if (bodyToken !== undefined) {
      const message = bodyToken.length > MAX_TOKEN_LENGTH ? [`token must be at most ${MAX_TOKEN_LENGTH} characters`] : MESSAGES.invalidAccessToken;
      await this.assertRefused({ method: 'POST', path: '/auth-token/verify', body: { token: bodyToken } }, { status: 400, message });
    }
  }

  /** GET /profile as the token's bearer: the identity the app sees. */
  async whoAmI(headers: RequestHeaders): Promise<HttpResponse<{ id: number; username: string; device_id: number | null }>> {
    return this.request({ method: 'GET', path: '/profile', headers });
  }
}

/** One Arena (a TestApp on a fresh database) for the enclosing suite. */
export function useArena(database: () => CreatedDatabase, options: TestAppOptions = {}): () => Arena {
  let arena: Arena | undefined;
  before(async () => {
    arena = new Arena(await TestApp.start(database(), options));
  });
  after(async () => {
    await arena?.app.close();
  });
  return () => {
    if (!arena) throw new Error('the app is not started yet: read it inside a test or hook');
    return arena;
  };
}

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** `store` with the rows of `deviceIds` (and their retired hashes) gone: what a revocation leaves. */
export function withoutDevices(store: StoreSnapshot, deviceIds: number[]): StoreSnapshot {
  return {
    devices: store.devices.filter((row) => !deviceIds.includes(row.id as number)),
    retired: store.retired.filter((row) => !deviceIds.includes(row.deviceId as number)),
  };
}
