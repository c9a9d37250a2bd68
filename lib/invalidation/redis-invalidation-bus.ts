import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { JwtDevicesRedisInvalidationOptions } from '../options/module-options.js';
import type { DeviceInvalidationBus, DeviceInvalidationListener } from './device-invalidation-bus.js';

export const DEFAULT_INVALIDATION_CHANNEL = 'jwt-devices:revoked';
/** The message that tells every instance to drop its whole cache: sent when revocations queued during an outage overflowed. */
const DROP_ALL = '*';
/** A command unanswered for this long counts as a lost connection, so a silent network partition is noticed too. */
const COMMAND_TIMEOUT_MS = 2000;
const HEARTBEAT_MS = 1000;
const RETRY_MS = 500;
/** Revoked ids kept for a later publish while Redis is unreachable; beyond this, one DROP_ALL replaces them. */
const MAX_PENDING = 10_000;
const IDS_PER_MESSAGE = 1000;

/**
 * Device revocations over Redis pub/sub: one connection publishes, one subscribes. Trusted only while
 * the subscription is live and answers its heartbeat; a failed publish keeps its ids and retries.
 */
export class RedisInvalidationBus implements DeviceInvalidationBus, OnModuleDestroy {
  private readonly logger = new Logger('JwtDevicesModule');
  private readonly channel: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly heartbeat: NodeJS.Timeout;
  private listener?: DeviceInvalidationListener;
  private subscribed = false;
  /** What was last logged about each connection, so each state change is logged once. */
  private subscriberState: 'starting' | 'up' | 'down' = 'starting';
  private publisherFailing = false;
  private readonly pending = new Set<number>();
  private pendingOverflowed = false;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(RedisClient: typeof Redis, { url, channel = DEFAULT_INVALIDATION_CHANNEL }: JwtDevicesRedisInvalidationOptions) {
    this.channel = channel;
    // No offline queue: a command while disconnected fails at once instead of holding a request until Redis is back.
    const common: RedisOptions = { commandTimeout: COMMAND_TIMEOUT_MS, enableOfflineQueue: false, maxRetriesPerRequest: 0 };
    this.publisher = new RedisClient(url, { ...common, connectionName: 'jwt-devices-publisher' });
    this.subscriber = new RedisClient(url, { ...common, connectionName: 'jwt-devices-subscriber', autoResubscribe: false });
    this.subscriber.on('ready', () => void this.subscribeChannel());
    this.subscriber.on('message', (channel: string, message: string) => this.received(channel, message));
    this.subscriber.on('close', () => this.lost('connection closed'));
    // A dropped connection also closes; an error while connecting only names the reason in the log.
    this.subscriber.on('error', (error: Error) => {
      if (!this.subscribed) this.lost(describe(error));
    });
    this.publisher.on('ready', () => this.flush());
    // 'close' follows an error; a failed publish is logged where it fails.
    this.publisher.on('error', () => undefined);
    this.heartbeat = setInterval(() => void this.checkSubscription(), HEARTBEAT_MS).unref();
  }

  get trusted(): boolean {
    return this.subscribed;
  }

  subscribe(listener: DeviceInvalidationListener): void {
    this.listener = listener;
  }

  async publish(deviceIds: readonly number[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.send(deviceIds);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.retry);
    this.setSubscribed(false);
    await Promise.all([this.publisher, this.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  private async subscribeChannel(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.lost(describe(error));
      this.subscriber.disconnect(true);
      return;
    }
    if (this.subscriberState !== 'up') this.logger.log('Device invalidation: subscribed to Redis; the device cache is on');
    this.subscriberState = 'up';
    this.setSubscribed(true);
  }

  private received(channel: string, message: string): void {
    if (channel !== this.channel) return;
    if (message === DROP_ALL) {
      this.listener?.revoked('all');
      return;
    }
    const ids = message.split(',').map(Number).filter((id) => Number.isSafeInteger(id));
    this.listener?.revoked(ids);
  }

  /** Until resubscribed, revocations may be missed: the cache is not trusted. */
  private lost(reason: string): void {
    this.setSubscribed(false);
    if (this.closed || this.subscriberState === 'down') return;
    this.subscriberState = 'down';
    this.logger.warn(`Device invalidation: Redis unreachable (${reason}); reading the database on every request until it is back`);
  }

  private setSubscribed(subscribed: boolean): void {
    if (this.subscribed === subscribed) return;
    this.subscribed = subscribed;
    this.listener?.trustChanged(subscribed);
  }

  /** A PING the subscription must answer within COMMAND_TIMEOUT_MS, or the connection is dropped and made again. */
  private async checkSubscription(): Promise<void> {
    if (!this.subscribed) return;
    try {
      await this.subscriber.ping();
    } catch (error) {
      if (!this.subscribed || this.closed) return;
      this.lost(`no answer to a heartbeat: ${describe(error)}`);
      this.subscriber.disconnect(true);
    }
  }

  private async send(ids: readonly number[] | 'all'): Promise<void> {
    try {
      await this.publisher.publish(this.channel, ids === 'all' ? DROP_ALL : ids.join(','));
      if (this.publisherFailing) this.logger.log('Device invalidation: publishing to Redis again');
      this.publisherFailing = false;
    } catch (error) {
      this.keep(ids);
      if (!this.publisherFailing) {
        this.logger.error(`Device invalidation: could not publish a revocation (${describe(error)}); retrying until Redis answers`);
      }
      this.publisherFailing = true;
    }
  }

  private keep(ids: readonly number[] | 'all'): void {
    if (ids === 'all') this.pendingOverflowed = true;
    else for (const id of ids) this.pending.add(id);
    if (this.pending.size > MAX_PENDING) {
      this.pendingOverflowed = true;
      this.pending.clear();
    }
    if (!this.retry && !this.closed) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.flush();
      }, RETRY_MS).unref();
    }
  }

  /** Publishes what failed earlier: the ids, or one DROP_ALL when too many were kept. */
  private flush(): void {
    if (this.closed || (this.pending.size === 0 && !this.pendingOverflowed)) return;
    if (this.pendingOverflowed) {
      this.pendingOverflowed = false;
      this.pending.clear();
      void this.send('all');
      return;
    }
    const ids = [...this.pending];
    this.pending.clear();
    for (let start = 0; start < ids.length; start += IDS_PER_MESSAGE) void this.send(ids.slice(start, start + IDS_PER_MESSAGE));
  }
}

/** An error's kind only: a Redis error message may quote the URL, which may hold a password. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const { code } = error as Error & { code?: unknown };
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}
