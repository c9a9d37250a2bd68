import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The SHA-256 of a permanent token that a rotation replaced. Kept so that any older token of a
 * device, shown again, is recognised as reuse (RFC 9700 §4.14) and revokes that device.
 */
@Entity({ name: 'jwt_devices_retired_token' })
export class RetiredToken {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('IDX_jwt_devices_retired_token_device_id')
  @Column({ name: 'device_id', type: Number })
  deviceId: number;

  @Index('IDX_jwt_devices_retired_token_retired_at')
  @Column({ name: 'retired_at', type: Date, precision: 3 })
  retiredAt: Date;
}
