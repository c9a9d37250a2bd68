import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { describeError } from './describe-error.js';
import { BusTrust } from './bus-trust.js';
import type { DeviceInvalidationBus, DeviceInvalidationListener } from './device-invalidation-bus.js';
import { DEFAULT_INVALIDATION_CHANNEL, decodeRevocations } from './revocation-messages.js';
import { RevocationOutbox } from './revocation-outbox.js';

/** The listening connection's application_name, so operators can find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'jwt-devices-listener';
const HEARTBEAT_MS = 1000;
const COMMAND_TIMEOUT_MS = 2000;
const RECONNECT_MS = 1000;
/** A NOTIFY payload must stay under 8000 bytes: 500 ids of up to 10 digits and a comma each. */
const IDS_PER_MESSAGE = 500;

/** What the bus uses of node-postgres, reached through TypeORM's pool (pg itself is TypeORM's dependency, not ours). */
interface PgClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', listener: (error?: unknown) => void): unknown;
}
interface PgPool {
  Client: new (options: object) => PgClient;
  options: object;
}

/**
 * Device revocations over PostgreSQL LISTEN/NOTIFY on the app's own database: NOTIFY through TypeORM's
 * pool, LISTEN on one connection of its own. Trusted only while that connection listens and answers its heartbeat.
 */
export class PostgresInvalidationBus implements DeviceInvalidationBus, OnModuleDestroy {
  private readonly logger = new Logger('JwtDevicesModule');
  private readonly outbox: RevocationOutbox;
  private readonly heartbeat: NodeJS.Timeout;
  /** Trusted while the connection listens. */
  private readonly trust = new BusTrust(this.logger);
  private client?: PgClient;
  private reconnect?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly dataSource: DataSource, private readonly channel = DEFAULT_INVALIDATION_CHANNEL) {
    this.outbox = new RevocationOutbox((message) => dataSource.query('SELECT pg_notify($1, $2)', [channel, message]), IDS_PER_MESSAGE, this.logger, describeError);
    this.heartbeat = setInterval(() => void this.checkListener(), HEARTBEAT_MS).unref();
    void this.connect();
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
    clearTimeout(this.reconnect);
    this.outbox.close();
    this.trust.off();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) return this.retryLater('the DataSource is not connected');
    const client = new pool.Client({ ...pool.options, application_name: LISTENER_APPLICATION_NAME });
    this.client = client;
    client.on('notification', ({ channel, payload }) => {
      if (client === this.client && channel === this.channel && payload) this.trust.revoked(decodeRevocations(payload));
    });
    client.on('error', (error) => this.drop(client, describeError(error)));
    client.on('end', () => this.drop(client, 'connection closed'));
    try {
      await client.connect();
      await withTimeout(client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`));
    } catch (error) {
      this.drop(client, describeError(error));
      return;
    }
    if (client !== this.client) return;
    this.trust.up('Device invalidation: listening on PostgreSQL; the device cache is on');
    this.outbox.flush();
  }

  /** Until listening again, revocations may be missed: the cache is not trusted. */
  private drop(client: PgClient, reason: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.retryLater(reason);
  }

  private retryLater(reason: string): void {
    if (this.closed) {
      this.trust.off();
      return;
    }
    this.trust.down(`Device invalidation: PostgreSQL listener lost (${reason}); reading the database on every request until it is back`);
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(() => void this.connect(), RECONNECT_MS).unref();
  }

  private async checkListener(): Promise<void> {
    const client = this.client;
    if (!client || !this.trust.value) return;
    try {
      await withTimeout(client.query('SELECT 1'));
    } catch (error) {
      this.drop(client, `no answer to a heartbeat: ${describeError(error)}`);
    }
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), COMMAND_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
