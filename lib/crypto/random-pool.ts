import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;

/**
 * Random bytes from the CSPRNG, drawn 4 KiB at a time: `randomBytes()` costs about 5 us a call,
 * nearly all of it per-call overhead, and every login and refresh needs two draws. Each byte is
 * handed out once and zeroed as it goes.
 */
export class RandomPool {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  /** `bytes` fresh random bytes, base64url-encoded. */
  base64url(bytes: number): string {
    const start = this.take(bytes);
    const encoded = this.pool.toString('base64url', start, this.offset);
    this.pool.fill(0, start, this.offset);
    return encoded;
  }

  /** Writes `bytes` fresh random bytes into `target` at `targetStart`. */
  copyInto(target: Buffer, targetStart: number, bytes: number): void {
    const start = this.take(bytes);
    this.pool.copy(target, targetStart, start, this.offset);
    this.pool.fill(0, start, this.offset);
  }

  /** The offset of `bytes` unused bytes, which the caller hands out and zeroes. */
  private take(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > POOL_BYTES) throw new RangeError(`bytes must be 1 to ${POOL_BYTES}`);
    if (this.offset + bytes > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += bytes;
    return start;
  }
}

/**
 * The process's one pool: every token the module makes draws from it (one 4 KiB buffer and one refill
 * schedule, however many kinds of token there are). JavaScript runs one draw at a time, so sharing is safe.
 */
export const randomPool = new RandomPool();
