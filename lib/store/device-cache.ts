import { BoundedMap } from './bounded-map.js';
import type { Device } from '../device.entity.js';

const MAX_ENTRIES = 10_000;

/** Live devices seen recently by this process, bounded in entries, for `deviceCacheTtl`. */
export class DeviceCache {
  private readonly entries: BoundedMap<number, { device: Device; expiresAt: number }>;

  constructor(private readonly ttlMs: number, maxEntries = MAX_ENTRIES) {
    this.entries = new BoundedMap(maxEntries);
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(id: number, nowMs: number): Device | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.device;
  }

  set(device: Device, nowMs: number): void {
    if (!this.enabled) return;
    this.entries.set(device.id, { device, expiresAt: nowMs + this.ttlMs });
  }

  forget(ids: Iterable<number>): void {
    for (const id of ids) this.entries.delete(id);
  }

  forgetAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
