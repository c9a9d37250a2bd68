import { isAccessTokenStale } from './access-token-expiry.js';
import { errorMessageOf, JwtDevicesClientError } from './client-error.js';
import { pageLocks, platformLocks, type LockManagerLike } from './refresh-lock.js';
import { platformChannel, readSessionMessage, type ChannelLike, type SessionEndReason, type SessionMessage } from './session-channel.js';
import { parseSession, serializeSession, type StoredSession } from './stored-session.js';
import { memoryStorage, type TokenStorage } from './token-storage.js';

/** `fetch`, or anything with its signature. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface JwtDevicesClientOptions {
  /** Where the module's routes are, with their prefix: `https://api.example.com/auth`; '' (the default) is this origin. */
  baseUrl?: string;
  /** Where the tokens are kept; default `memoryStorage()`. Use `webStorage()` to keep them over reloads and share them between tabs. */
  storage?: TokenStorage;
  /** The storage key; it also names the lock and the channel, so clients with one key share a session. Default `jwt-devices`. */
  storageKey?: string;
  /** The scheme of the `Authorization` header, the module's first `authHeaderPrefixes`; default `Bearer`. */
  authHeaderPrefix?: string;
  /** The login body's user field, the module's `usernameField`; default `username`. */
  usernameField?: string;
  /** Refresh this many seconds before the access token's `exp` (at most half its lifetime); default 30. */
  refreshSkewSeconds?: number;
  /** The fetch to wrap; default the global one. */
  fetch?: FetchLike;
  /** Cross-tab lock; default `navigator.locks` where it exists, else a lock within this page or process. */
  locks?: LockManagerLike;
  /** Opens the channel to the other tabs; default a BroadcastChannel where it exists. `null`: none. */
  channel?: ((name: string) => ChannelLike | undefined) | null;
  /** Called when the session ends here or in another tab: refused by the server (`revoked`) or logged out. */
  onSessionEnded?: (event: SessionEndedEvent) => void;
  /** The clock, in milliseconds; default `Date.now`. */
  now?: () => number;
}

export interface SessionEndedEvent {
  reason: SessionEndReason;
  deviceId: number;
}

/** What the app may know of the session: never its tokens. */
export interface SessionInfo {
  deviceId: number;
}

interface ClientEvents {
  /** The session ended: the device was refused by the server or logged out, here or in another tab. */
  ended: SessionEndedEvent;
  /** A session was stored here (a login), or another tab stored a pair of the session this client's storage holds. */
  session: SessionInfo;
}

type Listener<T> = (event: T) => void;

/** How long a tab waits for another tab's pair to reach its copy of the storage: 100 × 20 ms. */
const STORAGE_CATCH_UP_ATTEMPTS = 100;
const STORAGE_CATCH_UP_PAUSE_MS = 20;

const ROUTES = { login: '/auth-token', refresh: '/device-refresh-token', logout: '/device-logout' } as const;

/**
 * A fetch for an API behind `JwtDevicesModule`: it sends the access token, refreshes it with the
 * device's permanent token shortly before it expires or after a 401 (once, then retries once), and
 * makes sure two tabs or two concurrent calls never present the same permanent token.
 */
export class JwtDevicesClient {
  private readonly baseUrl: string;
  private readonly storage: TokenStorage;
  private readonly storageKey: string;
  private readonly lockName: string;
  private readonly authHeaderPrefix: string;
  private readonly usernameField: string;
  private readonly refreshSkewSeconds: number;
  private readonly send: FetchLike;
  private readonly locks: LockManagerLike;
  private readonly channel: ChannelLike | undefined;
  private readonly now: () => number;
  private readonly listeners: { [K in keyof ClientEvents]: Set<Listener<ClientEvents[K]>> } = { ended: new Set(), session: new Set() };
  private refreshing: Promise<StoredSession | null> | undefined;
  private releaseMarker: (() => void) | undefined;

  constructor(options: JwtDevicesClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.storage = options.storage ?? memoryStorage();
    this.storageKey = options.storageKey ?? 'jwt-devices';
    this.lockName = `jwt-devices-refresh:${this.storageKey}`;
    this.authHeaderPrefix = options.authHeaderPrefix ?? 'Bearer';
    this.usernameField = options.usernameField ?? 'username';
    this.refreshSkewSeconds = options.refreshSkewSeconds ?? 30;
    const platformFetch = (globalThis as { fetch?: FetchLike }).fetch;
    if (options.fetch === undefined && platformFetch === undefined) throw new TypeError('JwtDevicesClient: there is no global fetch here; pass options.fetch');
    // Browsers refuse a fetch called with another `this` (Illegal invocation): call it as a plain function.
    const send = options.fetch ?? platformFetch!;
    this.send = (input, init) => send(input, init);
    this.locks = options.locks ?? platformLocks() ?? pageLocks;
    this.now = options.now ?? Date.now;
    this.channel = options.channel === null ? undefined : (options.channel ?? platformChannel)(`jwt-devices:${this.storageKey}`);
    this.channel?.addEventListener('message', (event) => void this.receive(readSessionMessage(event.data)));
    if (options.onSessionEnded) this.on('ended', options.onSessionEnded);
  }

  /**
   * `fetch` with the access token. Use it for your API only: it sends the token wherever it is told.
   * A request body that is a stream cannot be sent twice, so such a request is not retried after a 401.
   */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let session = await this.read();
    if (session !== null && isAccessTokenStale(session.access, this.now(), this.refreshSkewSeconds)) {
      session = await this.refreshBeforeUse(session);
    }
    const first = await this.sendWith(input, init, session?.access);
    if (first.status !== 401 || session === null || !canResend(input, init)) return first;
    const fresh = await this.refreshFrom(session);
    return fresh === null ? first : this.sendWith(input, init, fresh.access);
  };

  /** The stored session's device, or null when logged out. */
  async session(): Promise<SessionInfo | null> {
    const session = await this.read();
    return session === null ? null : { deviceId: session.deviceId };
  }

  /** Logs in as a new device (`X-Device-Model: deviceName` when given) and stores its tokens; throws JwtDevicesClientError when refused. */
  async login(username: string, password: string, deviceName?: string): Promise<SessionInfo> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (deviceName) headers['X-Device-Model'] = deviceName;
    const body = await this.call(ROUTES.login, { method: 'POST', headers, body: JSON.stringify({ [this.usernameField]: username, password }) });
    const { token, permanent_token: permanent, device_id: deviceId } = body;
    if (typeof token !== 'string' || typeof permanent !== 'string' || typeof deviceId !== 'number') {
      throw new JwtDevicesClientError('the login answer has no device session (is permanentTokenAuth off?)', 200);
    }
    const session = await this.locks.request(this.lockName, async () => {
      const next = { access: token, permanent, deviceId, version: ((await this.read())?.version ?? 0) + 1 };
      await this.write(next);
      await this.markStored(next);
      return next;
    });
    this.announce({ type: 'session', deviceId, version: session.version });
    this.emit('session', { deviceId });
    return { deviceId };
  }

  /**
   * Logs this device out on the server (`DELETE /device-logout`) and forgets its tokens, in every
   * tab. The tokens are forgotten even when the server cannot be reached; the error is thrown after.
   */
  async logout(): Promise<void> {
    const session = await this.read();
    if (session === null) return;
    let failure: unknown;
    try {
      const response = await this.fetch(this.url(ROUTES.logout), { method: 'DELETE', headers: { 'Device-Id': String(session.deviceId) } });
      // 401 and 404: the device is gone already.
      if (!response.ok && response.status !== 401 && response.status !== 404) {
        failure = new JwtDevicesClientError(await errorMessageOf(response), response.status);
      }
    } catch (error: unknown) {
      failure = error;
    }
    if ((await this.read())?.deviceId === session.deviceId) await this.end(session.deviceId, 'logout');
    if (failure !== undefined) throw failure;
  }

  /** Refreshes now, whatever the access token's expiry; false when the session ended (or there was none). */
  async refresh(): Promise<boolean> {
    const session = await this.read();
    return session !== null && (await this.refreshFrom(session)) !== null;
  }

  /** Listens to `ended` or `session`; returns the function that stops listening. */
  on<K extends keyof ClientEvents>(type: K, listener: Listener<ClientEvents[K]>): () => void {
    const listeners = this.listeners[type] as Set<Listener<ClientEvents[K]>>;
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }

  /** Closes the channel to the other tabs; the client stops hearing from them. */
  close(): void {
    this.channel?.close();
  }

  /** A refresh ahead of expiry that fails for want of the server keeps the token while it is still valid. */
  private async refreshBeforeUse(session: StoredSession): Promise<StoredSession | null> {
    try {
      return await this.refreshFrom(session);
    } catch (error: unknown) {
      if (isAccessTokenStale(session.access, this.now(), 0)) throw error;
      return session;
    }
  }

  /** One refresh at a time in this client, and under the lock across clients and tabs. */
  private refreshFrom(seen: StoredSession): Promise<StoredSession | null> {
    this.refreshing ??= this.locks.request(this.lockName, () => this.refreshLocked(seen)).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Re-reads the storage first: when another tab has refreshed since `seen`, its pair is used and its permanent token is not sent again. */
  private async refreshLocked(seen: StoredSession): Promise<StoredSession | null> {
    const current = await this.read();
    if (current === null || current.access !== seen.access) return current;
    const newest = await this.newestMarkedVersion(current.deviceId);
    if (newest !== undefined && newest > current.version) {
      // Another tab stored a newer pair that this tab's copy of the storage does not show yet (Chromium's localStorage lags between tabs).
      const caughtUp = await this.readAtLeast(newest, current.deviceId);
      if (caughtUp === undefined) throw new JwtDevicesClientError('another tab refreshed the session, and its tokens have not reached this tab yet', undefined);
      return caughtUp;
    }
    let response: Response;
    try {
      response = await this.send(this.url(ROUTES.refresh), { method: 'POST', headers: { 'Permanent-Token': current.permanent } });
    } catch (error: unknown) {
      throw new JwtDevicesClientError('the device refresh did not reach the server', undefined, { cause: error });
    }
    if (response.status === 400 || response.status === 401) {
      await this.end(current.deviceId, 'revoked');
      return null;
    }
    if (!response.ok) throw new JwtDevicesClientError(await errorMessageOf(response), response.status);
    const body = await jsonObjectOf(response);
    if (typeof body.token !== 'string') throw new JwtDevicesClientError('the device refresh answer has no token', response.status);
    // Without rotation the answer has no permanent_token: the old one stays valid.
    const permanent = typeof body.permanent_token === 'string' ? body.permanent_token : current.permanent;
    const next = { access: body.token, permanent, deviceId: current.deviceId, version: current.version + 1 };
    await this.write(next);
    await this.markStored(next);
    this.announce({ type: 'session', deviceId: next.deviceId, version: next.version });
    return next;
  }

  /**
   * Holds a lock named after the pair just stored until the next one, released when the tab
   * closes. The lock manager is consistent across tabs where their storage may lag: another tab
   * that gets the refresh lock next sees this one in `query()` and waits for the pair to arrive.
   */
  private async markStored({ deviceId, version }: StoredSession): Promise<void> {
    if (typeof this.locks.query !== 'function') return;
    const previous = this.releaseMarker;
    await new Promise<void>((granted) => {
      void this.locks.request(`${this.lockName}:stored:${deviceId}:${version}`, () => {
        granted();
        return new Promise<void>((release) => {
          this.releaseMarker = release;
        });
      });
    });
    previous?.();
  }

  /** The newest version of the device's pair that some tab marked as stored, if the lock manager can tell. */
  private async newestMarkedVersion(deviceId: number): Promise<number | undefined> {
    if (typeof this.locks.query !== 'function') return undefined;
    const prefix = `${this.lockName}:stored:${deviceId}:`;
    let newest: number | undefined;
    for (const { name } of (await this.locks.query()).held ?? []) {
      const version = name?.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
      if (Number.isSafeInteger(version) && (newest === undefined || version > newest)) newest = version;
    }
    return newest;
  }

  /** The stored session once it is at least `version` (or ended, or another device's); undefined if it never gets there. */
  private async readAtLeast(version: number, deviceId: number): Promise<StoredSession | null | undefined> {
    for (let attempt = 0; attempt < STORAGE_CATCH_UP_ATTEMPTS; attempt++) {
      const current = await this.read();
      if (current === null || current.deviceId !== deviceId || current.version >= version) return current;
      await new Promise((resolve) => setTimeout(resolve, STORAGE_CATCH_UP_PAUSE_MS));
    }
    return undefined;
  }

  private async call(route: string, init: RequestInit): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.send(this.url(route), init);
    } catch (error: unknown) {
      throw new JwtDevicesClientError('the server could not be reached', undefined, { cause: error });
    }
    if (!response.ok) throw new JwtDevicesClientError(await errorMessageOf(response), response.status);
    return jsonObjectOf(response);
  }

  private sendWith(input: string | URL | Request, init: RequestInit, access: string | undefined): Promise<Response> {
    const request = isRequest(input) ? input : undefined;
    const headers = new Headers(init.headers ?? request?.headers);
    if (access !== undefined) headers.set('Authorization', `${this.authHeaderPrefix} ${access}`);
    // A Request is cloned, so the original can be sent again after a 401.
    return this.send(request ? request.clone() : input, { ...init, headers });
  }

  /** Forgets the device's tokens (unless another device's are stored by now) and tells the app and the other tabs. */
  private async end(deviceId: number, reason: SessionEndReason): Promise<void> {
    if ((await this.read())?.deviceId === deviceId) await this.storage.remove(this.storageKey);
    this.releaseMarker?.();
    this.releaseMarker = undefined;
    this.announce({ type: 'ended', deviceId, reason });
    this.emit('ended', { deviceId, reason });
  }

  /**
   * Another tab's news, about the session in this client's storage only: a tab on storage of its
   * own (memory) has a device of its own, and another device's end or refresh is none of its business.
   */
  private async receive(message: SessionMessage | undefined): Promise<void> {
    if (message === undefined) return;
    const current = await this.read();
    if (message.type === 'ended') {
      // On shared storage the sender has removed the tokens already.
      if (current !== null && current.deviceId !== message.deviceId) return;
      if (current !== null) await this.storage.remove(this.storageKey);
      this.emit('ended', { deviceId: message.deviceId, reason: message.reason });
    } else if (current?.deviceId === message.deviceId) {
      this.emit('session', { deviceId: message.deviceId });
    }
  }

  private async read(): Promise<StoredSession | null> {
    return parseSession(await this.storage.get(this.storageKey));
  }

  private async write(session: StoredSession): Promise<void> {
    await this.storage.set(this.storageKey, serializeSession(session));
  }

  private announce(message: SessionMessage): void {
    this.channel?.postMessage(message);
  }

  private emit<K extends keyof ClientEvents>(type: K, event: ClientEvents[K]): void {
    for (const listener of this.listeners[type] as Set<Listener<ClientEvents[K]>>) {
      try {
        listener(event);
      } catch (error: unknown) {
        // A failing listener must not break the request that ended the session.
        reportListenerError(error);
      }
    }
  }

  private url(route: string): string {
    return `${this.baseUrl}${route}`;
  }
}

function isRequest(input: unknown): input is Request {
  return typeof Request === 'function' && input instanceof Request;
}

/** A body that is a stream can be read once only. */
function canResend(input: string | URL | Request, init: RequestInit): boolean {
  const body = init.body ?? (isRequest(input) ? undefined : null);
  return !(typeof ReadableStream === 'function' && body instanceof ReadableStream);
}

async function jsonObjectOf(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new JwtDevicesClientError('the server answered with no JSON object', response.status);
}

function reportListenerError(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
