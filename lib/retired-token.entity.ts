import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EPOCH_MILLIS } from './device.entity.js';

/**
 * The SHA-256 of a permanent token that a rotation replaced before version 2 of the token format.
 * No new rows are written (a version 2 token carries its generation); the rows left from before the
 * upgrade keep any older token of a device recognised as reuse (RFC 9700 §4.14) until the purge
 * removes them, one idle window after their rotation.
 */
@Entity({ name: 'jwt_devices_retired_token' })
export class RetiredToken {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('IDX_jwt_devices_retired_token_device_id')
  @Column({ name: 'device_id', type: Number })
  deviceId: number;

  /** Epoch ms: when this token was rotated away. */
  @Index('IDX_jwt_devices_retired_token_retired_at')
  @Column({ name: 'retired_at', type: 'bigint', transformer: EPOCH_MILLIS })
  retiredAt: number;
}
