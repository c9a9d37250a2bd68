import { Column, Entity, Index, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';

export const DEVICE_NAME_LENGTH = 255;
export const DEVICE_DETAILS_LENGTH = 1024;
export const USER_ID_LENGTH = 64;
/** An IPv6 address with a zone, as Express and Fastify give it, fits. */
export const CLIENT_ADDRESS_LENGTH = 64;
const SHA256_HEX_LENGTH = 64;

/**
 * Every stored time is an instant in integer epoch milliseconds, in a `bigint` column. One
 * representation on SQLite, PostgreSQL and MySQL/MariaDB, which no driver, session time zone or
 * daylight-saving change reinterprets: a `Date` column is `timestamp without time zone` on
 * PostgreSQL and DATETIME on MySQL, both written as the writing process's local wall time, so two
 * instances in different zones read different instants. PostgreSQL and MySQL hand a bigint back
 * as text: this turns it into a number (exact: epoch milliseconds stay far below 2^53).
 */
export const EPOCH_MILLIS: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

/** One logged-in device of a user. Holds data only; the rules live in DevicesService. Times are epoch milliseconds. */
@Entity({ name: 'jwt_devices_device' })
export class Device {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** The user's id as text, so numeric and string ids share one column. */
  @Index('IDX_jwt_devices_device_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: USER_ID_LENGTH })
  userId: string;

  /**
   * SHA-256 (hex) of the current permanent token; the token itself is never stored. The token names
   * its device, so this is read by primary key and needs no index.
   */
  @Column({ name: 'token_hash', type: 'varchar', length: SHA256_HEX_LENGTH, nullable: true })
  tokenHash: string | null;

  /** How many times the permanent token was rotated; the token carries the generation it was issued at. */
  @Column({ name: 'generation', type: Number, default: 0 })
  generation: number;

  /**
   * SHA-256 (hex) of a permanent token that names no device: one issued before version 2 of the
   * token format, or imported from drf-jwt-devices. Found by this hash; never written by a rotation.
   */
  @Index('UQ_jwt_devices_device_legacy_token_hash', { unique: true })
  @Column({ name: 'legacy_token_hash', type: 'varchar', length: SHA256_HEX_LENGTH, nullable: true })
  legacyTokenHash: string | null;

  /** When the last rotation happened (epoch ms), for the grace period of the token it replaced. */
  @Column({ name: 'rotated_at', type: 'bigint', nullable: true, transformer: EPOCH_MILLIS })
  rotatedAt: number | null;

  @Column({ name: 'name', type: 'varchar', length: DEVICE_NAME_LENGTH })
  name: string;

  @Column({ name: 'details', type: 'varchar', length: DEVICE_DETAILS_LENGTH })
  details: string;

  /** Epoch ms. Also signed into the device's tokens, so a token never opens a later device that reuses the id. */
  @Column({ name: 'created', type: 'bigint', transformer: EPOCH_MILLIS })
  created: number;

  /** Epoch ms. */
  @Index('IDX_jwt_devices_device_last_request_datetime')
  @Column({ name: 'last_request_datetime', type: 'bigint', transformer: EPOCH_MILLIS })
  lastRequestDatetime: number;

  /** The client's address at login, with `storeClientAddress` only; null otherwise. */
  @Column({ name: 'login_address', type: 'varchar', length: CLIENT_ADDRESS_LENGTH, nullable: true })
  loginAddress: string | null;

  /** The client's address at its last login or refresh, with `storeClientAddress` only. */
  @Column({ name: 'last_address', type: 'varchar', length: CLIENT_ADDRESS_LENGTH, nullable: true })
  lastAddress: string | null;
}
