import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { JwtDevicesRedisInvalidationOptions } from '../options/module-options.js';
import { describeError } from './describe-error.js';
import type { DeviceInvalidationBus, DeviceInvalidationListener } from './device-invalidation-bus.js';
import { DEFAULT_INVALIDATION_CHANNEL, decodeRevocations } from './revocation-messages.js';
import { RevocationOutbox } from './revocation-outbox.js';

/** A command unanswered for this long counts as a lost connection, so a silent network partition is noticed too. */
const COMMAND_TIMEOUT_MS = 2000;
const HEARTBEAT_MS = 1000;
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
  private readonly outbox: RevocationOutbox;
  private readonly heartbeat: NodeJS.Timeout;
  private listener?: DeviceInvalidationListener;
  private subscribed = false;
  /** What was last logged about the subscription, so each change of state is logged once. */
  private subscriberState: 'starting' | 'up' | 'down' = 'starting';
  private closed = false;

  constructor(RedisClient: typeof Redis, { url, channel = DEFAULT_INVALIDATION_CHANNEL }: JwtDevicesRedisInvalidationOptions) {
    this.channel = channel;
    // No offline queue: a command while disconnected fails at once instead of holding a request until Redis is back.
    const common: RedisOptions = { commandTimeout: COMMAND_TIMEOUT_MS, enableOfflineQueue: false, maxRetriesPerRequest: 0 };
    this.publisher = new RedisClient(url, { ...common, connectionName: 'jwt-devices-publisher' });
    this.subscriber = new RedisClient(url, { ...common, connectionName: 'jwt-devices-subscriber', autoResubscribe: false });
    this.outbox = new RevocationOutbox((message) => this.publisher.publish(this.channel, message), IDS_PER_MESSAGE, this.logger, describeError);
    this.subscriber.on('ready', () => void this.subscribeChannel());
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.listener?.revoked(decodeRevocations(message));
    });
    this.subscriber.on('close', () => this.lost('connection closed'));
    // A dropped connection also closes; an error while connecting only names the reason in the log.
    this.subscriber.on('error', (error: Error) => {
      if (!this.subscribed) this.lost(describeError(error));
    });
    this.publisher.on('ready', () => this.outbox.flush());
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

  publish(deviceIds: readonly number[]): Promise<void> {
    return this.outbox.publish(deviceIds);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.outbox.close();
    this.setSubscribed(false);
    await Promise.all([this.publisher, this.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  private async subscribeChannel(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.lost(describeError(error));
      this.subscriber.disconnect(true);
      return;
    }
    if (this.subscriberState !== 'up') this.logger.log('Device invalidation: subscribed to Redis; the device cache is on');
    this.subscriberState = 'up';
    this.setSubscribed(true);
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
      this.lost(`no answer to a heartbeat: ${describeError(error)}`);
      this.subscriber.disconnect(true);
    }
  }
}
