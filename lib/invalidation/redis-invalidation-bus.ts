import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { JwtDevicesRedisInvalidationOptions } from '../options/module-options.js';
import { describeError } from './describe-error.js';
import { BusTrust } from './bus-trust.js';
import type { DeviceInvalidationBus, DeviceInvalidationListener } from './device-invalidation-bus.js';
import { DEFAULT_INVALIDATION_CHANNEL, decodeRevocations } from './revocation-messages.js';
import { RevocationOutbox } from './revocation-outbox.js';

/** A command unanswered for this long counts as a lost connection, so a silent network partition is noticed too. */
const COMMAND_TIMEOUT_MS = 2000;
const HEARTBEAT_MS = 1000;
const IDS_PER_MESSAGE = 1000;
/** Reconnect attempts 50 ms apart at first, then every 500 ms: back within half a second of Redis. */
const MAX_RECONNECT_DELAY_MS = 500;

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
  /** Trusted while the channel is subscribed. */
  private readonly trust = new BusTrust(this.logger);
  /** The wait for the publisher to reconnect after `failed` (its connection then), shared by the sends that failed on it. */
  private reconnectWait?: { failed: unknown; back: Promise<boolean> };
  private closed = false;

  constructor(RedisClient: typeof Redis, { url, channel = DEFAULT_INVALIDATION_CHANNEL }: JwtDevicesRedisInvalidationOptions) {
    this.channel = channel;
    // No offline queue: a command while disconnected fails at once instead of holding a request until Redis is back.
    const common: RedisOptions = {
      commandTimeout: COMMAND_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(attempt * 50, MAX_RECONNECT_DELAY_MS),
    };
    this.publisher = new RedisClient(url, { ...common, connectionName: 'jwt-devices-publisher' });
    this.subscriber = new RedisClient(url, { ...common, connectionName: 'jwt-devices-subscriber', autoResubscribe: false });
    this.outbox = new RevocationOutbox((message) => this.send(message), IDS_PER_MESSAGE, this.logger, describeError);
    this.subscriber.on('ready', () => void this.subscribeChannel());
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.trust.revoked(decodeRevocations(message));
    });
    this.subscriber.on('close', () => this.lost('connection closed'));
    // A dropped connection also closes; an error while connecting only names the reason in the log.
    this.subscriber.on('error', (error: Error) => {
      if (!this.trust.value) this.lost(describeError(error));
    });
    this.publisher.on('ready', () => this.outbox.flush());
    // 'close' follows an error; a failed publish is logged where it fails.
    this.publisher.on('error', () => undefined);
    this.heartbeat = setInterval(() => void this.checkSubscription(), HEARTBEAT_MS).unref();
  }

  get trusted(): boolean {
    return this.trust.value;
  }

  subscribe(listener: DeviceInvalidationListener): void {
    this.trust.subscribe(listener);
  }

  publish(deviceIds: readonly number[]): Promise<void> {
    return this.outbox.publish(deviceIds);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.outbox.close();
    this.trust.off();
    await Promise.all([this.publisher, this.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  /**
   * Publishes one message. Redis reachable but this publisher's connection lost (as just after Redis comes
   * back, when the subscriptions may be up first): the other instances trust their caches again, so wait
   * for the connection to be made again (bounded) and send once more, rather than answer the revocation and
   * leave it to the outbox's retry.
   */
  private async send(message: string): Promise<void> {
    const connection = this.publisher.stream;
    try {
      await this.publisher.publish(this.channel, message);
    } catch (error) {
      if (!this.trust.value || this.closed || !(await this.publisherReconnected(connection))) throw error;
      await this.publisher.publish(this.channel, message);
    }
  }

  /**
   * Whether the publisher is ready on a connection other than `failed` within COMMAND_TIMEOUT_MS. Sends
   * that failed on the same connection share one wait, so a burst of revocations adds one listener.
   */
  private publisherReconnected(failed: unknown): Promise<boolean> {
    // A connection that just failed may still read 'ready' for a moment before it closes.
    const reconnected = () => this.publisher.status === 'ready' && this.publisher.stream !== failed;
    if (reconnected()) return Promise.resolve(true);
    const pending = this.reconnectWait;
    if (pending && pending.failed === failed) return pending.back;
    const back = new Promise<boolean>((resolve) => {
      const onReady = () => {
        if (reconnected()) finish(true);
      };
      const timer = setTimeout(() => finish(false), COMMAND_TIMEOUT_MS);
      const finish = (isBack: boolean) => {
        clearTimeout(timer);
        this.publisher.off('ready', onReady);
        if (this.reconnectWait?.back === back) this.reconnectWait = undefined;
        resolve(isBack);
      };
      this.publisher.on('ready', onReady);
    });
    this.reconnectWait = { failed, back };
    return back;
  }

  private async subscribeChannel(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.lost(describeError(error));
      this.subscriber.disconnect(true);
      return;
    }
    this.trust.up('Device invalidation: subscribed to Redis; the device cache is on');
  }

  /** Until resubscribed, revocations may be missed: the cache is not trusted. */
  private lost(reason: string): void {
    if (this.closed) this.trust.off();
    else this.trust.down(`Device invalidation: Redis unreachable (${reason}); reading the database on every request until it is back`);
  }

  /** A PING the subscription must answer within COMMAND_TIMEOUT_MS, or the connection is dropped and made again. */
  private async checkSubscription(): Promise<void> {
    if (!this.trust.value) return;
    try {
      await this.subscriber.ping();
    } catch (error) {
      if (!this.trust.value || this.closed) return;
      this.lost(`no answer to a heartbeat: ${describeError(error)}`);
      this.subscriber.disconnect(true);
    }
  }
}
