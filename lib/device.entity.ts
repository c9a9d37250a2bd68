import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const DEVICE_NAME_LENGTH = 255;
export const DEVICE_DETAILS_LENGTH = 1024;
export const USER_ID_LENGTH = 64;
/** An IPv6 address with a zone, as Express and Fastify give it, fits. */
export const CLIENT_ADDRESS_LENGTH = 64;
const SHA256_HEX_LENGTH = 64;

/** One logged-in device of a user. Holds data only; the rules live in DevicesService. */
@Entity({ name: 'jwt_devices_device' })
export class Device {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** The user's id as text, so numeric and string ids share one column. */
  @Index('IDX_jwt_devices_device_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: USER_ID_LENGTH })
  userId: string;

  /** SHA-256 (hex) of the current permanent token; the token itself is never stored. */
  @Index('UQ_jwt_devices_device_permanent_token_hash', { unique: true })
  @Column({ name: 'permanent_token_hash', type: 'varchar', length: SHA256_HEX_LENGTH })
  permanentTokenHash: string;

  /** SHA-256 of the token the last rotation replaced, kept to tell a late retry from reuse. */
  @Index('IDX_jwt_devices_device_previous_token_hash')
  @Column({ name: 'previous_token_hash', type: 'varchar', length: SHA256_HEX_LENGTH, nullable: true })
  previousTokenHash: string | null;

  @Column({ name: 'rotated_at', type: Date, precision: 3, nullable: true })
  rotatedAt: Date | null;

  @Column({ name: 'name', type: 'varchar', length: DEVICE_NAME_LENGTH })
  name: string;

  @Column({ name: 'details', type: 'varchar', length: DEVICE_DETAILS_LENGTH })
  details: string;

  @Column({ name: 'created', type: Date, precision: 3 })
  created: Date;

  @Index('IDX_jwt_devices_device_last_request_datetime')
  @Column({ name: 'last_request_datetime', type: Date, precision: 3 })
  lastRequestDatetime: Date;

  /** The client's address at login, with `storeClientAddress` only; null otherwise. */
  @Column({ name: 'login_address', type: 'varchar', length: CLIENT_ADDRESS_LENGTH, nullable: true })
  loginAddress: string | null;

  /** The client's address at its last login or refresh, with `storeClientAddress` only. */
  @Column({ name: 'last_address', type: 'varchar', length: CLIENT_ADDRESS_LENGTH, nullable: true })
  lastAddress: string | null;
}
