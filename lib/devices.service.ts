import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JwtDevicesClock } from './clock.js';
import { createPermanentToken, hashPermanentToken, isWellFormedPermanentToken } from './crypto/permanent-tokens.js';
import { CLIENT_ADDRESS_LENGTH, DEVICE_DETAILS_LENGTH, DEVICE_NAME_LENGTH, type Device } from './device.entity.js';
import { DeviceLimitRaceError, InvalidPermanentTokenError } from './errors/jwt-devices.error.js';
import { SessionEventsEmitter } from './events/session-events.emitter.js';
import { JwtDevicesEvents, type DeviceRevokedReason, type SessionEventOrigin } from './events/session-events.js';
import type { DeviceDescription } from './handlers/device-details.handler.js';
import { JWT_DEVICES_CLOCK } from './jwt-devices.constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import { JWT_DEVICES_OPTIONS } from './jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from './options/resolved-options.js';
import { DeviceStore, type DeviceUsage } from './store/device-store.js';

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

/** Who revokes a device, for the session events. */
export interface RevocationContext extends SessionEventOrigin {
  /** 'user' when the user asked through a request; 'app' (the default) for the app's own code. */
  reason?: 'user' | 'app';
  /** The device making the request: revoking that one is its logout. */
  byDeviceId?: number;
}

export interface PurgeOptions {
  /** Rows deleted per statement, so a large purge never holds long locks. */
  batchSize?: number;
}

const DEFAULT_PURGE_BATCH = 1000;

/** A device's life: create, refresh and rotate, expire, revoke, purge. The rules only; DeviceStore reads and writes. */
@Injectable()
export class DevicesService {
  private readonly logger = new Logger('JwtDevicesModule');

  constructor(
    private readonly store: DeviceStore,
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
    private readonly events: SessionEventsEmitter,
  ) {}

  /** Logs a user in on a new device; over `maxDevicesPerUser`, their least recently used devices go. */
  async create(user: JwtDevicesUser, description: DeviceDescription, origin: SessionEventOrigin = {}): Promise<CreatedDevice> {
    const now = this.clock.now();
    const { token, hash } = createPermanentToken();
    const address = this.addressToStore(origin);
    const device = await this.store.insert({
      userId: String(user.id),
      permanentTokenHash: hash,
      previousTokenHash: null,
      rotatedAt: null,
      name: capCodePoints(description.name, DEVICE_NAME_LENGTH),
      details: capCodePoints(description.details, DEVICE_DETAILS_LENGTH),
      created: now,
      lastRequestDatetime: now,
      loginAddress: address,
      lastAddress: address,
    });
    if (this.options.maxDevicesPerUser !== undefined) await this.enforceDeviceLimit(device, origin);
    return { device, permanentToken: token };
  }

  /**
   * Keeps at most `maxDevicesPerUser` devices of the user. Logins newer than this one (higher ids)
   * take their slots first; the slots left go to older devices by last use, so the least recently
   * used go. A login only ever deletes older devices, or its own when newer logins took every slot:
   * then it is refused rather than answered with a dead device.
   */
  private async enforceDeviceLimit(created: Device, origin: SessionEventOrigin): Promise<void> {
    const max = this.options.maxDevicesPerUser!;
    const own = (await this.store.usageOfUser(created.userId)).filter((device) => ownedBy(device, created.userId));
    const newerOrThis = own.filter(({ id }) => id >= created.id).length;
    const olderByLastUse = own
      .filter(({ id }) => id < created.id)
      .sort((a, b) => b.lastRequestDatetime.getTime() - a.lastRequestDatetime.getTime() || b.id - a.id);
    const evicted = olderByLastUse.slice(Math.max(0, max - newerOrThis));
    const surplus = evicted.map(({ id }) => id);
    const crowdedOut = newerOrThis > max;
    if (crowdedOut) surplus.push(created.id);
    if (surplus.length > 0) await this.store.deleteIds(surplus);
    for (const device of evicted) this.announceRevoked(device, 'device-cap', origin);
    if (crowdedOut || !(await this.store.findById(created.id))) throw new DeviceLimitRaceError();
  }

  /** The live device a permanent token opens; a rotated-away token shown after the grace period revokes it. */
  async findByPermanentToken(permanentToken: unknown, origin: SessionEventOrigin = {}): Promise<Device> {
    if (!isWellFormedPermanentToken(permanentToken)) throw new InvalidPermanentTokenError('malformed');
    const hash = hashPermanentToken(permanentToken);
    const now = this.clock.now();
    const device = await this.store.findByTokenHash(hash);
    if (device) {
      if (!this.isExpired(device, now)) return device;
      await this.store.deleteIds([device.id]);
      throw new InvalidPermanentTokenError('expired');
    }
    const rotatedFrom = await this.store.findByPreviousTokenHash(hash);
    if (!rotatedFrom) return this.refuseRetired(hash, origin);
    if (rotatedFrom.rotatedAt && now.getTime() - rotatedFrom.rotatedAt.getTime() <= this.options.rotationGracePeriod * 1000) {
      // A client retrying a refresh whose answer it lost: refuse, but keep the device.
      throw new InvalidPermanentTokenError('rotated');
    }
    const revoked = await this.store.deleteIds([rotatedFrom.id]);
    this.logger.warn(`Permanent token reuse detected: device ${rotatedFrom.id} of user ${rotatedFrom.userId} revoked`);
    if (revoked > 0) this.announceReuse(rotatedFrom, origin);
    throw new InvalidPermanentTokenError('reused');
  }

  /** A token rotated away before the previous one: reuse, when the device it was retired from still lives. */
  private async refuseRetired(hash: string, origin: SessionEventOrigin): Promise<never> {
    const retired = await this.store.findRetired(hash);
    if (!retired) throw new InvalidPermanentTokenError('unknown');
    const device = await this.store.findById(retired.deviceId);
    // A hash recorded by a rotation that lost a race with a logout, or left from an earlier device that
    // had the same id, names no live device: forget it rather than revoke an innocent one.
    if (!device || device.created.getTime() > retired.retiredAt.getTime()) {
      await this.store.forgetRetired(hash);
      throw new InvalidPermanentTokenError('unknown');
    }
    const revoked = await this.store.deleteIds([device.id]);
    this.logger.warn(`Permanent token reuse detected (an older rotated-away token): device ${device.id} revoked`);
    if (revoked > 0) this.announceReuse(device, origin);
    throw new InvalidPermanentTokenError('reused');
  }

  /** Records a refresh, and its client address with `storeClientAddress`. */
  async refresh(device: Device, origin: SessionEventOrigin = {}): Promise<RefreshedDevice> {
    const refreshed = await this.refreshTokens(device);
    const address = this.addressToStore(origin);
    if (address === null || address === refreshed.device.lastAddress) return refreshed;
    if (!(await this.store.recordAddress(device.id, address))) throw new InvalidPermanentTokenError('unknown');
    return { ...refreshed, device: this.store.updated(refreshed.device, { lastAddress: address }) };
  }

  /** The address to keep, or null when the option is off or the request had none. */
  private addressToStore({ ip }: SessionEventOrigin): string | null {
    return this.options.storeClientAddress && ip !== undefined ? capCodePoints(ip, CLIENT_ADDRESS_LENGTH) : null;
  }

  /** With rotation, swaps the token hash in one conditional update that only one caller can win. */
  private async refreshTokens(device: Device): Promise<RefreshedDevice> {
    const now = this.clock.now();
    if (this.options.rotatePermanentTokens) {
      const { token, hash } = createPermanentToken();
      if (!(await this.store.rotate(device.id, device.permanentTokenHash, hash, now))) throw new InvalidPermanentTokenError('rotated');
      await this.rememberRetired(device.id, device.permanentTokenHash, now);
      const next = this.store.updated(device, {
        permanentTokenHash: hash,
        previousTokenHash: device.permanentTokenHash,
        rotatedAt: now,
        lastRequestDatetime: now,
      });
      return { device: next, permanentToken: token };
    }
    const accuracyMs = this.options.permanentTokenExpirationAccuracy * 1000;
    if (now.getTime() - device.lastRequestDatetime.getTime() >= accuracyMs) {
      if (!(await this.store.touch(device.id, now))) throw new InvalidPermanentTokenError('unknown');
      device.lastRequestDatetime = now;
    }
    return { device };
  }

  /** After the winning rotation: a failure here must not cost the client its new token, so it is only logged. */
  private async rememberRetired(deviceId: number, hash: string, now: Date): Promise<void> {
    try {
      await this.store.retire(deviceId, hash, now);
    } catch (error) {
      this.logger.error(`Could not record a rotated-away token of device ${deviceId} (${error instanceof Error ? error.name : typeof error})`);
    }
  }

  /** The live device an access token names, when it belongs to that user; never writes but to delete an expired one. */
  async findLiveDevice(deviceId: number, userId: string | number): Promise<Device | null> {
    const nowMs = this.clock.now().getTime();
    let device = this.store.cached(deviceId, nowMs);
    if (device && this.isExpired(device, new Date(nowMs))) {
      // The cached copy may predate a refresh (here or in another process) that kept the device alive.
      this.store.forget([deviceId]);
      device = undefined;
    }
    if (!device) {
      device = (await this.store.findById(deviceId)) ?? undefined;
      if (!device) return null;
      if (this.isExpired(device, new Date(nowMs))) {
        await this.store.deleteIds([device.id]);
        return null;
      }
      this.store.remember(device, nowMs);
    }
    return ownedBy(device, userId) ? device : null;
  }

  /** The user's live devices, by id. */
  async listForUser(userId: string | number): Promise<Device[]> {
    const all = (await this.store.listForUser(String(userId))).filter((device) => ownedBy(device, userId));
    const now = this.clock.now();
    const expired = all.filter((device) => this.isExpired(device, now)).map(({ id }) => id);
    if (expired.length > 0) await this.store.deleteIds(expired);
    return all.filter((device) => !expired.includes(device.id));
  }

  /** Logs one device of the user out; false when the user has no such device. */
  async revoke(userId: string | number, deviceId: number, context: RevocationContext = {}): Promise<boolean> {
    // Ownership is checked here, not in the DELETE's WHERE, where the column's collation would decide it.
    const device = await this.store.findById(deviceId);
    if (!device) {
      // Gone already, perhaps by another instance: this one's cached copy goes too.
      this.store.forget([deviceId]);
      return false;
    }
    if (!ownedBy(device, userId)) return false;
    // Its rotated-away hashes go too, or a stale token would later pass for reuse and revoke that id again.
    if ((await this.store.deleteIds([device.id])) === 0) return false;
    if (context.byDeviceId === device.id) this.events.emit(JwtDevicesEvents.logout, { ...this.described(device), ip: context.ip });
    else this.announceRevoked(device, context.reason ?? 'app', context);
    return true;
  }

  /** Logs every device of the user out, e.g. when the user is deleted or their password changes. */
  async revokeAllForUser(userId: string | number): Promise<number> {
    const deviceIds = (await this.devicesOfUser(userId)).map(({ id }) => id);
    if (deviceIds.length === 0) return 0;
    const revoked = await this.store.deleteIds(deviceIds);
    this.events.emit(JwtDevicesEvents.userDevicesRevoked, { userId, deviceIds });
    return revoked;
  }

  /** Logs every device of the user out but one, usually the caller's own. */
  async revokeAllExcept(userId: string | number, keptDeviceId: number, origin: SessionEventOrigin = {}): Promise<number> {
    const others = (await this.devicesOfUser(userId)).filter(({ id }) => id !== keptDeviceId);
    if (others.length === 0) return 0;
    const revoked = await this.store.deleteIds(others.map(({ id }) => id));
    for (const device of others) this.announceRevoked(device, 'logout-others', origin);
    return revoked;
  }

  /** Deletes idle-expired and max-age-expired devices in bounded batches; returns how many went. */
  async purgeExpired({ batchSize = DEFAULT_PURGE_BATCH }: PurgeOptions = {}): Promise<number> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const now = this.clock.now().getTime();
    const idleCutoff = new Date(now - this.options.permanentTokenExpirationDelta * 1000);
    const maxAge = this.options.permanentTokenMaxAge;
    const ageCutoff = maxAge === undefined ? undefined : new Date(now - maxAge * 1000);
    let purged = 0;
    for (;;) {
      const ids = await this.store.expiredIds(idleCutoff, ageCutoff, batchSize);
      if (ids.length === 0) break;
      purged += await this.store.deleteIds(ids);
      if (ids.length < batchSize) break;
    }
    // A token retired longer ago than the idle window could only reopen a device that has expired since.
    await this.store.deleteRetiredBefore(idleCutoff);
    if (purged > 0) this.events.emit(JwtDevicesEvents.devicesPurged, { count: purged });
    return purged;
  }

  /** The id of the device's user, typed as `userIdType` says, for the app's `findById`. */
  ownerId(device: Pick<Device, 'userId'>): string | number {
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

  private async devicesOfUser(userId: string | number): Promise<DeviceUsage[]> {
    const devices = await this.store.usageOfUser(String(userId));
    return devices.filter((device) => ownedBy(device, userId));
  }

  /** The fields every device event carries; never a token or its hash. */
  private described(device: DeviceUsage): { userId: string | number; deviceId: number; deviceName: string } {
    return { userId: this.ownerId(device), deviceId: device.id, deviceName: device.name };
  }

  private announceRevoked(device: DeviceUsage, reason: DeviceRevokedReason, origin: SessionEventOrigin): void {
    this.events.emit(JwtDevicesEvents.deviceRevoked, { ...this.described(device), reason, ip: origin.ip });
  }

  private announceReuse(device: Device, origin: SessionEventOrigin): void {
    this.events.emit(JwtDevicesEvents.reuseDetected, { ...this.described(device), ip: origin.ip });
    this.announceRevoked(device, 'reuse', origin);
  }
}

/**
 * Byte for byte: a MySQL/MariaDB column left with a `_ci` or PAD SPACE collation (by `synchronize`, or
 * before the collation migration) matches 'Alice', 'alicé' and 'alice ' when asked for 'alice'.
 */
function ownedBy(device: Pick<Device, 'userId'>, userId: string | number): boolean {
  return device.userId === String(userId);
}

/** Truncates to at most `max` code points, so no surrogate pair is cut in half. */
function capCodePoints(value: string, max: number): string {
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join('');
}
