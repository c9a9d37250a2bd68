import type { Logger } from '@nestjs/common';
import { encodeRevocations } from './revocation-messages.js';

const RETRY_MS = 500;
/** Revoked ids kept for a later send while the bus is unreachable; beyond this, one "drop everything" replaces them. */
const MAX_PENDING = 10_000;

/**
 * Sends revocations through `send`; what fails is kept, bounded, and sent again every RETRY_MS and on
 * `flush()` (a reconnect), so a revocation made while the bus was unreachable still reaches the others.
 */
export class RevocationOutbox {
  private readonly pending = new Set<number>();
  private overflowed = false;
  private failing = false;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly send: (message: string) => Promise<unknown>,
    private readonly idsPerMessage: number,
    private readonly logger: Logger,
    private readonly describe: (error: unknown) => string,
  ) {}

  /** Resolves once sent or kept; never rejects. */
  async publish(ids: readonly number[] | 'all'): Promise<void> {
    if (ids !== 'all' && ids.length === 0) return;
    await Promise.all(encodeRevocations(ids, this.idsPerMessage).map((message) => this.sendOne(message, ids)));
  }

  /** Sends what failed earlier: the ids, or one "drop everything" when too many were kept. */
  flush(): void {
    if (this.closed || (this.pending.size === 0 && !this.overflowed)) return;
    const ids = this.overflowed ? 'all' : [...this.pending];
    this.overflowed = false;
    this.pending.clear();
    void this.publish(ids);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }

  private async sendOne(message: string, ids: readonly number[] | 'all'): Promise<void> {
    try {
      await this.send(message);
      if (this.failing) this.logger.log('Device invalidation: publishing again');
      this.failing = false;
    } catch (error) {
      this.keep(ids);
      if (!this.failing) this.logger.error(`Device invalidation: could not publish a revocation (${this.describe(error)}); retrying until it goes through`);
      this.failing = true;
    }
  }

  private keep(ids: readonly number[] | 'all'): void {
    if (ids === 'all') this.overflowed = true;
    else for (const id of ids) this.pending.add(id);
    if (this.pending.size > MAX_PENDING) {
      this.overflowed = true;
      this.pending.clear();
    }
    if (!this.retry && !this.closed) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.flush();
      }, RETRY_MS).unref();
    }
  }
}
