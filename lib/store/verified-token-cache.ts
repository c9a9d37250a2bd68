import { BoundedMap } from './bounded-map.js';

const MAX_ENTRIES = 1000;

/**
 * Access tokens whose signature already checked out, so a client's next request with the same
 * token skips the HMAC or signature check and the JSON parsing; every time and claim rule still
 * runs on every use. Only tokens that passed every check get in, so forged tokens cannot fill
 * it, and it holds at most 1,000 (each at most MAX_ACCESS_TOKEN_LENGTH characters). Entries are
 * frozen: one object serves many requests.
 */
export class VerifiedTokenCache<Decoded extends object> {
  private readonly entries: BoundedMap<string, Decoded>;

  constructor(maxEntries = MAX_ENTRIES) {
    this.entries = new BoundedMap(maxEntries);
  }

  get(token: string): Decoded | undefined {
    return this.entries.get(token);
  }

  /** Remembers a verified token, freezing its decoding in place. */
  remember(token: string, decoded: Decoded): void {
    this.entries.set(token, deepFreeze(decoded));
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
