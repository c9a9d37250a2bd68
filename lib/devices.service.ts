import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JwtDevicesClock } from './clock.js';
import { isVersionedTokenShape, matchesStoredHash, PermanentTokenCodec } from './crypto/permanent-token-codec.js';
import { hashPermanentToken, isWellFormedPermanentToken } from './crypto/permanent-tokens.js';
import { CLIENT_ADDRESS_LENGTH, DEVICE_DETAILS_LENGTH, DEVICE_NAME_LENGTH, type Device } from './device.entity.js';
import { DeviceLimitRaceError, InvalidPermanentTokenError } from './errors/jwt-devices.error.js';
import { SessionEventsEmitter } from './events/session-events.emitter.js';
import { JwtDevicesEvents, type DeviceRevokedReason, type SessionEventOrigin } from './events/session-events.js';
import type { DeviceDescription } from './handlers/device-details.handler.js';
import { JWT_DEVICES_CLOCK } from './jwt-devices.constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import { JWT_DEVICES_OPTIONS, JWT_DEVICES_PERMANENT_TOKEN_KEYS } from './jwt-devices.internal-constants.js';
import type { PermanentTokenKeys } from './options/permanent-token-keys.js';
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
  private readonly codec: PermanentTokenCodec;

  constructor(
    private readonly store: DeviceStore,
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
    private readonly events: SessionEventsEmitter,
    @Inject(JWT_DEVICES_PERMANENT_TOKEN_KEYS) keys: PermanentTokenKeys,
  ) {
    this.codec = new PermanentTokenCodec(keys);
  }

  /** Logs a user in on a new device; over `maxDevicesPerUser`, their least recently used devices go. */
  async create(user: JwtDevicesUser, description: DeviceDescription, origin: SessionEventOrigin = {}): Promise<CreatedDevice> {
    const now = this.nowMs();
    const address = this.addressToStore(origin);
    const device = await this.store.insert({
      userId: String(user.id),
      tokenHash: null,
      generation: 0,
      legacyTokenHash: null,
      rotatedAt: null,
      name: capCodePoints(description.name, DEVICE_NAME_LENGTH),
      details: capCodePoints(description.details, DEVICE_DETAILS_LENGTH),
      created: now,
      lastRequestDatetime: now,
      loginAddress: address,
      lastAddress: address,
    });
    // The token names the device, so its hash follows the INSERT that gave the id; until then no token opens the row.
    const { token, hash } = this.codec.issue({ deviceId: device.id, created: now, generation: 0, issuedAt: now });
    if (!(await this.store.setTokenHash(device.id, hash))) throw new DeviceLimitRaceError();
    device.tokenHash = hash;
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
      .sort((a, b) => b.lastRequestDatetime - a.lastRequestDatetime || b.id - a.id);
    const evicted = olderByLastUse.slice(Math.max(0, max - newerOrThis));
    const surplus = evicted.map(({ id }) => id);
    const crowdedOut = newerOrThis > max;
    if (crowdedOut) surplus.push(created.id);
    if (surplus.length > 0) await this.store.deleteIds(surplus);
    for (const device of evicted) this.announceRevoked(device, 'device-cap', origin);
    if (crowdedOut || !(await this.store.findById(created.id))) throw new DeviceLimitRaceError();
  }

  /**
   * The live device a permanent token opens. An earlier token of a live device is reuse: within the
   * grace period of its own rotation it is refused and the device kept, later the device is revoked.
   * A version 2 token whose MAC fails is refused before anything reads the database.
   */
  async findByPermanentToken(permanentToken: unknown, origin: SessionEventOrigin = {}): Promise<Device> {
    if (!isWellFormedPermanentToken(permanentToken)) throw new InvalidPermanentTokenError('malformed');
    const now = this.nowMs();
    const device = isVersionedTokenShape(permanentToken)
      ? await this.findByVersionedToken(permanentToken, now, origin)
      : await this.findByLegacyToken(permanentToken, now, origin);
    if (!this.isExpired(device, now)) return device;
    await this.store.deleteIds([device.id]);
    throw new InvalidPermanentTokenError('expired');
  }

  /** A version 2 token: its MAC, then its device by primary key, then its generation against the row's. */
  private async findByVersionedToken(token: string, now: number, origin: SessionEventOrigin): Promise<Device> {
    const claims = this.codec.read(token);
    if (!claims) throw new InvalidPermanentTokenError('unknown');
    const device = await this.store.findById(claims.deviceId);
    // Another device that got the same id later (SQLite may reuse ids) is not this token's.
    if (!device || device.created !== claims.created || claims.generation > device.generation) {
      throw new InvalidPermanentTokenError('unknown');
    }
    if (claims.generation === device.generation) {
      if (!matchesStoredHash(token, device.tokenHash)) throw new InvalidPermanentTokenError('unknown');
      return device;
    }
    return this.refuseEarlierToken(device, claims.generation, claims.issuedAt, now, origin);
  }

  /**
   * A token that names no device: one issued before version 2, or imported from drf-jwt-devices. It is
   * the device's current token while the device is at generation 0; after a rotation it is an earlier one.
   */
  private async findByLegacyToken(token: string, now: number, origin: SessionEventOrigin): Promise<Device> {
    const hash = hashPermanentToken(token);
    const device = await this.store.findByLegacyTokenHash(hash);
    if (!device) return this.refuseRetired(hash, now, origin);
    if (device.generation === 0) return device;
    return this.refuseEarlierToken(device, 0, undefined, now, origin);
  }

  /**
   * An authentic token of an earlier generation. The previous one was rotated away at `rotatedAt`. An
   * older one was rotated away between its own issue and `rotatedAt`: after the grace period of
   * `rotatedAt` it is certainly reuse, and within the grace period of its issue it is certainly not;
   * between the two its rotation may have happened either side of the grace period, and it is treated as
   * reuse, since only a client that lost two answers in a row within seconds would show it honestly.
   */
  private async refuseEarlierToken(device: Device, generation: number, issuedAt: number | undefined, now: number, origin: SessionEventOrigin): Promise<never> {
    const graceMs = this.options.rotationGracePeriod * 1000;
    const sinceRotation = device.rotatedAt === null ? Infinity : now - device.rotatedAt;
    const withinGrace =
      generation === device.generation - 1
        ? sinceRotation <= graceMs
        : sinceRotation <= graceMs && issuedAt !== undefined && now - issuedAt <= graceMs;
    // A client retrying a refresh whose answer it lost: refuse, but keep the device.
    if (withinGrace) throw new InvalidPermanentTokenError('rotated');
    return this.revokeForReuse(device, origin);
  }

  /**
   * A token rotated away before the upgrade to version 2 tokens: its hash is in the retired-token table
   * until the purge removes it. Reuse, like any earlier token, when the device it was retired from lives.
   */
  private async refuseRetired(hash: string, now: number, origin: SessionEventOrigin): Promise<never> {
    const retired = await this.store.findRetired(hash);
    if (!retired) throw new InvalidPermanentTokenError('unknown');
    const device = await this.store.findById(retired.deviceId);
    // A hash recorded by a rotation that lost a race with a logout, or left from an earlier device that
    // had the same id, names no live device: forget it rather than revoke an innocent one.
    if (!device || device.created > retired.retiredAt) {
      await this.store.forgetRetired(hash);
      throw new InvalidPermanentTokenError('unknown');
    }
    if (now - retired.retiredAt <= this.options.rotationGracePeriod * 1000) throw new InvalidPermanentTokenError('rotated');
    return this.revokeForReuse(device, origin);
  }

  private async revokeForReuse(device: Device, origin: SessionEventOrigin): Promise<never> {
    const revoked = await this.store.deleteIds([device.id]);
    this.logger.warn(`Permanent token reuse detected: device ${device.id} of user ${device.userId} revoked`);
    if (revoked > 0) this.announceReuse(device, origin);
    throw new InvalidPermanentTokenError('reused');
  }

  /** The address to keep, or null when the option is off or the request had none. */
  private addressToStore({ ip }: SessionEventOrigin): string | null {
    return this.options.storeClientAddress && ip !== undefined ? capCodePoints(ip, CLIENT_ADDRESS_LENGTH) : null;
  }

  /**
   * Records a refresh of the device `findByPermanentToken` returned, and its client address with
   * `storeClientAddress`. With rotation: the next generation's token, in one conditional update by primary
   * key that only one caller holding the current token wins.
   */
  async refresh(device: Device, origin: SessionEventOrigin = {}): Promise<RefreshedDevice> {
    const now = this.nowMs();
    const address = this.addressToStore(origin);
    if (this.options.rotatePermanentTokens) {
      const generation = device.generation + 1;
      const { token, hash } = this.codec.issue({ deviceId: device.id, created: device.created, generation, issuedAt: now });
      if (!(await this.store.rotate(device.id, device.generation, hash, now, address))) throw new InvalidPermanentTokenError('rotated');
      const next = this.store.updated(device, {
        generation,
        tokenHash: hash,
        rotatedAt: now,
        lastRequestDatetime: now,
        lastAddress: address ?? device.lastAddress,
      });
      return { device: next, permanentToken: token };
    }
    // Without rotation the row is written only when something changed: the last use, once per accuracy
    // window, and the address; both in one update.
    const accuracyMs = this.options.permanentTokenExpirationAccuracy * 1000;
    const lastUse = now - device.lastRequestDatetime >= accuracyMs ? now : null;
    const newAddress = address !== null && address !== device.lastAddress ? address : null;
    if (lastUse === null && newAddress === null) return { device };
    if (!(await this.store.recordUse(device.id, lastUse, newAddress))) throw new InvalidPermanentTokenError('unknown');
    return { device: this.store.updated(device, { lastRequestDatetime: lastUse ?? device.lastRequestDatetime, lastAddress: newAddress ?? device.lastAddress }) };
  }

  /** The live device an access token names, when it belongs to that user; never writes but to delete an expired one. */
  async findLiveDevice(deviceId: number, userId: string | number): Promise<Device | null> {
    const nowMs = this.nowMs();
    let device = this.store.cached(deviceId, nowMs);
    if (device && this.isExpired(device, nowMs)) {
      // The cached copy may predate a refresh (here or in another process) that kept the device alive.
      this.store.forget([deviceId]);
      device = undefined;
    }
    if (!device) {
      device = (await this.store.findById(deviceId)) ?? undefined;
      if (!device) return null;
      if (this.isExpired(device, nowMs)) {
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
    const now = this.nowMs();
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
    const now = this.nowMs();
    const idleCutoff = now - this.options.permanentTokenExpirationDelta * 1000;
    const maxAge = this.options.permanentTokenMaxAge;
    const ageCutoff = maxAge === undefined ? undefined : now - maxAge * 1000;
    let purged = 0;
    for (;;) {
      const ids = await this.store.expiredIds(idleCutoff, ageCutoff, batchSize);
      if (ids.length === 0) break;
      purged += await this.store.deleteIds(ids);
      if (ids.length < batchSize) break;
    }
    // Rows left from before version 2 tokens: one retired longer ago than the idle window could only name a device expired since.
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

  /** Whether the device is past its idle expiry or its maximum age at `now` (epoch ms, or a Date). */
  isExpired(device: Pick<Device, 'created' | 'lastRequestDatetime'>, now: number | Date): boolean {
    const nowMs = typeof now === 'number' ? now : now.getTime();
    if (nowMs > device.lastRequestDatetime + this.options.permanentTokenExpirationDelta * 1000) return true;
    const maxAge = this.options.permanentTokenMaxAge;
    return maxAge !== undefined && nowMs > device.created + maxAge * 1000;
  }

  /** Every time rule reads this: the module's clock, in epoch milliseconds, as the device table stores times. */
  private nowMs(): number {
    return this.clock.now().getTime();
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
