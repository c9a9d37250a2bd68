import { BoundedMap } from './bounded-map.js';
import type { Device } from '../device.entity.js';

const MAX_ENTRIES = 10_000;

/**
 * Live devices seen recently by this process, bounded in entries, for `deviceCacheTtl`. With push
 * invalidation it is suspended while the bus is not trusted, and every forget moves its generation on,
 * so a database read that started before a revocation arrived is never cached after it.
 */
interface Entry {
  device: Device;
  expiresAt: number;
  user?: { value: unknown; expiresAt: number };
}

export class DeviceCache {
  private readonly entries: BoundedMap<number, Entry>;
  private generation = 0;
  private suspended = false;

  constructor(private readonly ttlMs: number, maxEntries = MAX_ENTRIES) {
    this.entries = new BoundedMap(maxEntries);
  }

  get enabled(): boolean {
    return this.ttlMs > 0 && !this.suspended;
  }

  /** Taken before a database read; `set` refuses the result when anything was forgotten since. */
  get ticket(): number {
    return this.generation;
  }

  get(id: number, nowMs: number): Device | undefined {
    return this.live(id, nowMs)?.device;
  }

  set(device: Device, nowMs: number, ticket: number): void {
    if (!this.enabled || ticket !== this.generation) return;
    this.entries.set(device.id, { device, expiresAt: nowMs + this.ttlMs });
  }

  /**
   * The device's user as `userCacheTtl` keeps it: with the device's own entry, so whatever drops the
   * device (a revocation here or on the bus, its TTL, the bound) drops its user too.
   */
  userOf(id: number, nowMs: number): unknown {
    const user = this.live(id, nowMs)?.user;
    return user && user.expiresAt > nowMs ? user.value : undefined;
  }

  /** Keeps `user` with the device's entry until `expiresAt`; refused like `set` when anything was forgotten since `ticket`. */
  setUser(id: number, user: unknown, expiresAt: number, ticket: number): void {
    const entry = this.entries.get(id);
    if (!entry || !this.enabled || ticket !== this.generation) return;
    entry.user = { value: user, expiresAt: Math.min(expiresAt, entry.expiresAt) };
  }

  forget(ids: Iterable<number>): void {
    this.generation++;
    for (const id of ids) this.entries.delete(id);
  }

  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /** The entry of a device, unless its TTL has run out (then it goes). */
  private live(id: number, nowMs: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= nowMs) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  /** Off (and empty) until resumed: entries cached before an outage of the bus are never trusted after it. */
  suspend(): void {
    this.suspended = true;
    this.forgetAll();
  }

  resume(): void {
    this.forgetAll();
    this.suspended = false;
  }

  get size(): number {
    return this.entries.size;
  }
}
