import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { In, LessThan, type Repository } from 'typeorm';
import { Device } from '../device.entity.js';
import { JwtDevicesUnavailableError } from '../errors/jwt-devices.error.js';
import type { DeviceInvalidationBus } from '../invalidation/device-invalidation-bus.js';
import { DEVICE_REPOSITORY, JWT_DEVICES_INVALIDATION_BUS, JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { RetiredToken } from '../retired-token.entity.js';
import { DeviceCache } from './device-cache.js';
import { DeviceQueries } from './device-queries.js';

/** The id column is a 32-bit integer on PostgreSQL and MySQL: a larger id names no device, and PostgreSQL refuses it as a parameter. */
const MAX_DEVICE_ID = 2 ** 31 - 1;

/** A device row's fields but its id, which the database gives. */
export type NewDevice = Omit<Device, 'id'>;

/** What the per-user rules need of a device: its id, owner, name and last use. */
export type DeviceUsage = Pick<Device, 'id' | 'userId' | 'name' | 'lastRequestDatetime'>;

/**
 * Every read and write of the device tables, and the process's cache of live devices. A database
 * fault becomes one JwtDevicesUnavailableError (logged by its kind only), so no SQL leaks. Every
 * deletion goes through deleteIds, which publishes it on the invalidation bus when there is one.
 */
@Injectable()
export class DeviceStore {
  private readonly logger = new Logger('JwtDevicesModule');
  private readonly recent: DeviceCache;
  private readonly userCacheTtlMs: number;
  private readonly queries: DeviceQueries;
  private readonly retiredTokens: Repository<RetiredToken>;
  /** The cache's ticket when each device read by findById was asked for: remember() needs it. */
  private readonly readTickets = new WeakMap<Device, number>();

  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly devices: Repository<Device>,
    @Inject(JWT_DEVICES_OPTIONS) { deviceCacheTtl, userCacheTtl }: ResolvedJwtDevicesOptions,
    @Optional() @Inject(JWT_DEVICES_INVALIDATION_BUS) private readonly bus: DeviceInvalidationBus | null = null,
  ) {
    this.recent = new DeviceCache(deviceCacheTtl * 1000);
    this.userCacheTtlMs = userCacheTtl * 1000;
    this.queries = new DeviceQueries(devices);
    this.retiredTokens = devices.manager.getRepository(RetiredToken);
    if (bus) this.listenTo(bus);
  }

  /** Inserts a device; the returned entity carries its new id. */
  async insert(fields: NewDevice): Promise<Device> {
    const device = this.devices.create(fields);
    await this.db(() => this.queries.insert(device));
    return device;
  }

  /** A copy of `device` with `changes` applied, as the row reads after an update. */
  updated(device: Device, changes: Partial<NewDevice>): Device {
    return this.devices.merge(this.devices.create(), device, changes);
  }

  async findById(id: number): Promise<Device | null> {
    if (id > MAX_DEVICE_ID) return null;
    const ticket = this.recent.ticket;
    const device = await this.db(() => this.queries.findById(id));
    if (device) this.readTickets.set(device, ticket);
    return device;
  }

  findByLegacyTokenHash(hash: string): Promise<Device | null> {
    return this.db(() => this.queries.findByLegacyTokenHash(hash));
  }

  /** Stores the first token hash of a device just inserted; false when it is gone already. */
  setTokenHash(id: number, hash: string): Promise<boolean> {
    return this.db(() => this.queries.setTokenHash(id, hash));
  }

  /** The devices the database matches to `userId`, by id; callers check the owner exactly (see usageOfUser). */
  listForUser(userId: string): Promise<Device[]> {
    return this.db(() => this.devices.find({ where: { userId }, order: { id: 'ASC' } }));
  }

  /**
   * Id, owner and last use of the devices the database matches to `userId`. On MySQL/MariaDB the column's
   * collation may match more than the exact id, so callers check the owner themselves.
   */
  usageOfUser(userId: string): Promise<DeviceUsage[]> {
    return this.db(() => this.devices.find({ select: { id: true, userId: true, name: true, lastRequestDatetime: true }, where: { userId } }));
  }

  /**
   * Moves the device from `generation` to the next with one conditional update by primary key, which one
   * caller wins; a non-null `address` is recorded by the same update.
   */
  async rotate(id: number, generation: number, nextHash: string, now: number, address: string | null): Promise<boolean> {
    const rotated = await this.db(() => this.queries.rotate(id, generation, nextHash, now, address));
    if (rotated) this.recent.forget([id]);
    return rotated;
  }

  /** Records a refresh without rotation: the last use and the address, each when not null; false when the device is gone. */
  recordUse(id: number, now: number | null, address: string | null): Promise<boolean> {
    return this.db(() => this.queries.recordUse(id, now, address));
  }

  findRetired(hash: string): Promise<{ deviceId: number; retiredAt: number } | null> {
    return this.db(() => this.queries.findRetired(hash));
  }

  async forgetRetired(hash: string): Promise<void> {
    await this.db(() => this.retiredTokens.delete({ tokenHash: hash }));
  }

  /** Deletes devices and the rotated-away hashes left of them from before the upgrade, and tells every instance to forget them; returns how many devices went. */
  async deleteIds(ids: number[]): Promise<number> {
    const result = await this.db(() => this.devices.delete({ id: In(ids) }));
    this.recent.forget(ids);
    // Awaited, so the revoking request answers after the other instances were told; publish never rejects.
    await this.bus?.publish(ids);
    await this.db(() => this.retiredTokens.delete({ deviceId: In(ids) }));
    return result.affected ?? ids.length;
  }

  /** Up to `limit` ids, lowest first, of devices idle since before `idleCutoff` or created before `ageCutoff`. */
  async expiredIds(idleCutoff: number, ageCutoff: number | undefined, limit: number): Promise<number[]> {
    const query = this.devices
      .createQueryBuilder('device')
      .select('device.id', 'id')
      .where('device.last_request_datetime < :idleCutoff', { idleCutoff })
      .orderBy('device.id', 'ASC')
      .limit(limit);
    if (ageCutoff !== undefined) query.orWhere('device.created < :ageCutoff', { ageCutoff });
    const rows = await this.db(() => query.getRawMany<{ id: number | string }>());
    return rows.map(({ id }) => Number(id));
  }

  async deleteRetiredBefore(cutoff: number): Promise<void> {
    await this.db(() => this.retiredTokens.delete({ retiredAt: LessThan(cutoff) }));
  }

  /** The cached copy of a device, if this process saw it within `deviceCacheTtl`. */
  cached(id: number, nowMs: number): Device | undefined {
    return this.recent.get(id, nowMs);
  }

  /**
   * Keeps a live device read by findById for `deviceCacheTtl` (nothing when it is 0, while the bus is not
   * trusted, or when a revocation arrived during the read, which may have returned the row just before it went).
   */
  remember(device: Device, nowMs: number): void {
    const ticket = this.readTickets.get(device);
    if (ticket !== undefined) this.recent.set(device, nowMs, ticket);
  }

  forget(ids: number[]): void {
    this.recent.forget(ids);
  }

  /** Taken before reading a user to keep with its device: see rememberUser. */
  get cacheTicket(): number {
    return this.recent.ticket;
  }

  /** The user kept with a cached device (`userCacheTtl`), if any. */
  cachedUser(deviceId: number, nowMs: number): unknown {
    return this.recent.userOf(deviceId, nowMs);
  }

  /** Keeps the device's user for `userCacheTtl`, unless a revocation arrived since `ticket` was taken. */
  rememberUser(deviceId: number, user: unknown, nowMs: number, ticket: number): void {
    if (this.userCacheTtlMs > 0) this.recent.setUser(deviceId, user, nowMs + this.userCacheTtlMs, ticket);
  }

  private listenTo(bus: DeviceInvalidationBus): void {
    if (!bus.trusted) this.recent.suspend();
    bus.subscribe({
      revoked: (ids) => (ids === 'all' ? this.recent.forgetAll() : this.recent.forget(ids)),
      trustChanged: (trusted) => (trusted ? this.recent.resume() : this.recent.suspend()),
    });
  }

  private async db<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const name = error instanceof Error ? `${error.name}${'code' in error ? ` ${String(error.code)}` : ''}` : typeof error;
      this.logger.error(`Device store failed (${name}); answering 503`);
      throw new JwtDevicesUnavailableError(name);
    }
  }
}
