import type { Logger } from '@nestjs/common';
import type { DeviceInvalidationListener } from './device-invalidation-bus.js';

/**
 * Whether a bus's deliveries can be trusted, and the one listener it tells: every change of trust
 * reaches the listener, and each change of the connection's state is logged once.
 */
export class BusTrust {
  private listener?: DeviceInvalidationListener;
  private trusted = false;
  private state: 'starting' | 'up' | 'down' = 'starting';

  constructor(private readonly logger: Logger) {}

  get value(): boolean {
    return this.trusted;
  }

  subscribe(listener: DeviceInvalidationListener): void {
    this.listener = listener;
  }

  revoked(ids: number[] | 'all'): void {
    this.listener?.revoked(ids);
  }

  /** Delivery is live again: trusted, and `message` logged if it was not up already. */
  up(message: string): void {
    if (this.state !== 'up') this.logger.log(message);
    this.state = 'up';
    this.set(true);
  }

  /** Revocations may be missed from now on: untrusted, and `message` warned if it was not down already. */
  down(message: string): void {
    this.set(false);
    if (this.state === 'down') return;
    this.state = 'down';
    this.logger.warn(message);
  }

  /** Untrusted without a word: the bus is closing. */
  off(): void {
    this.set(false);
  }

  private set(trusted: boolean): void {
    if (this.trusted === trusted) return;
    this.trusted = trusted;
    this.listener?.trustChanged(trusted);
  }
}
