import { Inject, Injectable, Logger } from '@nestjs/common';
import { In, LessThan, type Repository } from 'typeorm';
import type { JwtDevicesClock } from './clock.js';
import { DeviceCache } from './store/device-cache.js';
import { DeviceQueries } from './store/device-queries.js';
import { DEVICE_DETAILS_LENGTH, DEVICE_NAME_LENGTH, Device } from './device.entity.js';
import { RetiredToken } from './retired-token.entity.js';
import { DeviceLimitRaceError, InvalidPermanentTokenError, JwtDevicesUnavailableError } from './errors/jwt-devices.error.js';
import type { DeviceDescription } from './handlers/device-details.handler.js';
import { JWT_DEVICES_CLOCK } from './jwt-devices.constants.js';
import { DEVICE_REPOSITORY, JWT_DEVICES_OPTIONS } from './jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from './options/resolved-options.js';
import { TokensService } from './tokens.service.js';

export interface CreatedDevice {
  device: Device;
  /** Shown to the client once; only its hash is stored. */
  permanentToken: string;
}

export interface RefreshedDevice {
  device: Device;
  /** Set when the refresh rotated the permanent token. */
  permanentToken?: string;
}

export interface PurgeOptions {
  /** Rows deleted per statement, so a large purge never holds long locks. */
  batchSize?: number;
}

const DEFAULT_PURGE_BATCH = 1000;
/** The id column is a 32-bit integer on PostgreSQL and MySQL: a larger id names no device, and PostgreSQL refuses it as a parameter. */
const MAX_DEVICE_ID = 2 ** 31 - 1;

/** A device's life: create, refresh and rotate, expire, revoke, purge. */
@Injectable()
export class DevicesService {
  private readonly logger = new Logger('JwtDevicesModule');
  private readonly cache: DeviceCache;
  private readonly queries: DeviceQueries;
  private readonly retiredTokens: Repository<RetiredToken>;

  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly devices: Repository<Device>,
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
    private readonly tokens: TokensService,
  ) {
    this.cache = new DeviceCache(options.deviceCacheTtl * 1000);
    this.queries = new DeviceQueries(devices);
    this.retiredTokens = devices.manager.getRepository(RetiredToken);
  }

  /** Logs a user in on a new device; over `maxDevicesPerUser`, their least recently used devices go. */
  async create(user: JwtDevicesUser, description: DeviceDescription): Promise<CreatedDevice> {
    const now = this.clock.now();
    const { token, hash } = this.tokens.createPermanentToken();
    const device = this.devices.create({
      userId: String(user.id),
      permanentTokenHash: hash,
      previousTokenHash: null,
      rotatedAt: null,
      name: capCodePoints(description.name, DEVICE_NAME_LENGTH),
      details: capCodePoints(description.details, DEVICE_DETAILS_LENGTH),
      created: now,
      lastRequestDatetime: now,
    });
    await this.db(() => this.queries.insert(device));
    if (this.options.maxDevicesPerUser !== undefined) await this.enforceDeviceLimit(device);
    return { device, permanentToken: token };
  }

  /**
   * Keeps the user's `maxDevicesPerUser` most recently used devices. Every login ranks them the same way
   * (last request, then id, newest first), so concurrent logins agree on who stays and the newest always
   * does; a login whose own device lost that ranking is refused rather than answered with a dead device.
   */
  private async enforceDeviceLimit(created: Device): Promise<void> {
    const newestFirst = await this.db(() =>
      this.devices.find({ select: { id: true }, where: { userId: created.userId }, order: { lastRequestDatetime: 'DESC', id: 'DESC' } }),
    );
    const surplus = newestFirst.slice(this.options.maxDevicesPerUser).map(({ id }) => id);
    if (surplus.length > 0) await this.deleteIds(surplus);
    if (surplus.includes(created.id) || !(await this.db(() => this.queries.findById(created.id)))) {
      throw new DeviceLimitRaceError();
    }
  }

  /** The live device a permanent token opens; a rotated-away token shown after the grace period revokes it. */
  async findByPermanentToken(permanentToken: unknown): Promise<Device> {
    if (!this.tokens.isWellFormedPermanentToken(permanentToken)) throw new InvalidPermanentTokenError('malformed');
    const hash = this.tokens.hashPermanentToken(permanentToken);
    const now = this.clock.now();
    const device = await this.db(() => this.queries.findByTokenHash(hash));
    if (device) {
      if (!this.isExpired(device, now)) return device;
      await this.deleteIds([device.id]);
      throw new InvalidPermanentTokenError('expired');
    }
    const rotatedFrom = await this.db(() => this.queries.findByPreviousTokenHash(hash));
    if (!rotatedFrom) return this.refuseRetired(hash);
    if (rotatedFrom.rotatedAt && now.getTime() - rotatedFrom.rotatedAt.getTime() <= this.options.rotationGracePeriod * 1000) {
      // A client retrying a refresh whose answer it lost: refuse, but keep the device.
      throw new InvalidPermanentTokenError('rotated');
    }
    await this.deleteIds([rotatedFrom.id]);
    this.logger.warn(`Permanent token reuse detected: device ${rotatedFrom.id} of user ${rotatedFrom.userId} revoked`);
    throw new InvalidPermanentTokenError('reused');
  }

  /** A token rotated away before the previous one: reuse, when the device it was retired from still lives. */
  private async refuseRetired(hash: string): Promise<never> {
    const retired = await this.db(() => this.queries.findRetired(hash));
    if (!retired) throw new InvalidPermanentTokenError('unknown');
    const device = await this.db(() => this.queries.findById(retired.deviceId));
    // A hash recorded by a rotation that lost a race with a logout, or left from an earlier device that
    // had the same id, names no live device: forget it rather than revoke an innocent one.
    if (!device || device.created.getTime() > retired.retiredAt.getTime()) {
      await this.db(() => this.retiredTokens.delete({ tokenHash: hash }));
      throw new InvalidPermanentTokenError('unknown');
    }
    await this.deleteIds([device.id]);
    this.logger.warn(`Permanent token reuse detected (an older rotated-away token): device ${device.id} revoked`);
    throw new InvalidPermanentTokenError('reused');
  }

  /** Records a refresh; with rotation, swaps the token hash in one conditional update that only one caller can win. */
  async refresh(device: Device): Promise<RefreshedDevice> {
    const now = this.clock.now();
    if (this.options.rotatePermanentTokens) {
      const { token, hash } = this.tokens.createPermanentToken();
      const rotated = await this.db(() => this.queries.rotate(device.id, device.permanentTokenHash, hash, now));
      if (!rotated) throw new InvalidPermanentTokenError('rotated');
      await this.rememberRetired(device.id, device.permanentTokenHash, now);
      this.cache.forget([device.id]);
      const next = this.devices.merge(this.devices.create(), device, {
        permanentTokenHash: hash,
        previousTokenHash: device.permanentTokenHash,
        rotatedAt: now,
        lastRequestDatetime: now,
      });
      return { device: next, permanentToken: token };
    }
    const accuracyMs = this.options.permanentTokenExpirationAccuracy * 1000;
    if (now.getTime() - device.lastRequestDatetime.getTime() >= accuracyMs) {
      if (!(await this.db(() => this.queries.touch(device.id, now)))) throw new InvalidPermanentTokenError('unknown');
      device.lastRequestDatetime = now;
    }
    return { device };
  }

  /** After the winning rotation: a failure here must not cost the client its new token, so it is only logged. */
  private async rememberRetired(deviceId: number, hash: string, now: Date): Promise<void> {
    try {
      await this.queries.retire(deviceId, hash, now);
    } catch (error) {
      this.logger.error(`Could not record a rotated-away token of device ${deviceId} (${error instanceof Error ? error.name : typeof error})`);
    }
  }

  /** The live device an access token names, when it belongs to that user; never writes but to delete an expired one. */
  async findLiveDevice(deviceId: number, userId: string | number): Promise<Device | null> {
    if (deviceId > MAX_DEVICE_ID) return null;
    const nowMs = this.clock.now().getTime();
    let device = this.cache.get(deviceId, nowMs);
    if (device && this.isExpired(device, new Date(nowMs))) {
      // The cached copy may predate a refresh (here or in another process) that kept the device alive.
      this.cache.forget([deviceId]);
      device = undefined;
    }
    if (!device) {
      device = (await this.db(() => this.queries.findById(deviceId))) ?? undefined;
      if (!device) return null;
      if (this.isExpired(device, new Date(nowMs))) {
        await this.deleteIds([device.id]);
        return null;
      }
      this.cache.set(device, nowMs);
    }
    return device.userId === String(userId) ? device : null;
  }

  /** The user's live devices, by id. */
  async listForUser(userId: string | number): Promise<Device[]> {
    const all = await this.db(() => this.devices.find({ where: { userId: String(userId) }, order: { id: 'ASC' } }));
    const now = this.clock.now();
    const expired = all.filter((device) => this.isExpired(device, now)).map(({ id }) => id);
    if (expired.length > 0) await this.deleteIds(expired);
    return all.filter((device) => !expired.includes(device.id));
  }

  /** Logs one device of the user out; false when the user has no such device. */
  async revoke(userId: string | number, deviceId: number): Promise<boolean> {
    if (deviceId > MAX_DEVICE_ID) return false;
    const result = await this.db(() => this.devices.delete({ id: deviceId, userId: String(userId) }));
    this.cache.forget([deviceId]);
    const revoked = (result.affected ?? 0) > 0;
    // Its rotated-away hashes go too, or a stale token would later pass for reuse and revoke that id again.
    if (revoked) await this.db(() => this.retiredTokens.delete({ deviceId }));
    return revoked;
  }

  /** Logs every device of the user out, e.g. when the user is deleted or their password changes. */
  async revokeAllForUser(userId: string | number): Promise<number> {
    const ids = await this.idsOfUser(userId);
    return ids.length > 0 ? this.deleteIds(ids) : 0;
  }

  /** Logs every device of the user out but one, usually the caller's own. */
  async revokeAllExcept(userId: string | number, keptDeviceId: number): Promise<number> {
    const ids = (await this.idsOfUser(userId)).filter((id) => id !== keptDeviceId);
    return ids.length > 0 ? this.deleteIds(ids) : 0;
  }

  /** Deletes idle-expired and max-age-expired devices in bounded batches; returns how many went. */
  async purgeExpired({ batchSize = DEFAULT_PURGE_BATCH }: PurgeOptions = {}): Promise<number> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const now = this.clock.now().getTime();
    const idleCutoff = new Date(now - this.options.permanentTokenExpirationDelta * 1000);
    const maxAge = this.options.permanentTokenMaxAge;
    let purged = 0;
    for (;;) {
      const query = this.devices
        .createQueryBuilder('device')
        .select('device.id', 'id')
        .where('device.last_request_datetime < :idleCutoff', { idleCutoff })
        .orderBy('device.id', 'ASC')
        .limit(batchSize);
      if (maxAge !== undefined) query.orWhere('device.created < :ageCutoff', { ageCutoff: new Date(now - maxAge * 1000) });
      const rows = await this.db(() => query.getRawMany<{ id: number | string }>());
      if (rows.length === 0) break;
      purged += await this.deleteIds(rows.map(({ id }) => Number(id)));
      if (rows.length < batchSize) break;
    }
    // A token retired longer ago than the idle window could only reopen a device that has expired since.
    await this.db(() => this.retiredTokens.delete({ retiredAt: LessThan(idleCutoff) }));
    return purged;
  }

  /** The id of the device's user, typed as `userIdType` says, for the app's `findById`. */
  ownerId(device: Device): string | number {
    // A non-numeric id stays text even with 'number', so one odd row never becomes NaN.
    if (this.options.userIdType === 'number' && /^-?(0|[1-9][0-9]{0,15})$/.test(device.userId)) {
      const id = Number(device.userId);
      if (Number.isSafeInteger(id)) return id;
    }
    return device.userId;
  }

  isExpired(device: Device, now: Date): boolean {
    const nowMs = now.getTime();
    if (nowMs > device.lastRequestDatetime.getTime() + this.options.permanentTokenExpirationDelta * 1000) return true;
    const maxAge = this.options.permanentTokenMaxAge;
    return maxAge !== undefined && nowMs > device.created.getTime() + maxAge * 1000;
  }

  private async idsOfUser(userId: string | number): Promise<number[]> {
    const rows = await this.db(() => this.devices.find({ select: { id: true }, where: { userId: String(userId) } }));
    return rows.map(({ id }) => id);
  }

  private async deleteIds(ids: number[]): Promise<number> {
    const result = await this.db(() => this.devices.delete({ id: In(ids) }));
    await this.db(() => this.retiredTokens.delete({ deviceId: In(ids) }));
    this.cache.forget(ids);
    return result.affected ?? ids.length;
  }

  /** Every database call goes through here, so a fault becomes one typed error and never leaks SQL. */
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

/** Truncates to at most `max` code points, so no surrogate pair is cut in half. */
function capCodePoints(value: string, max: number): string {
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join('');
}
