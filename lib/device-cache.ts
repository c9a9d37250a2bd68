import type { Device } from './device.entity.js';

const MAX_ENTRIES = 10_000;

/** Live devices seen recently by this process, bounded in entries, for `deviceCacheTtl`. */
export class DeviceCache {
  private readonly entries = new Map<number, { device: Device; expiresAt: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = MAX_ENTRIES) {}

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
    this.entries.delete(device.id);
    if (this.entries.size >= this.maxEntries) {
      // Map keeps insertion order, so the first key is the oldest entry.
      this.entries.delete(this.entries.keys().next().value as number);
    }
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
