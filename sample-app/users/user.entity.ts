import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const USERNAME_MAX_LENGTH = 150;
export const EMAIL_MAX_LENGTH = 254;

/** The sample app's own users; the jwt-devices module only sees them through UsersService. */
@Entity({ name: 'sample_app_user' })
export class User {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'username', type: 'varchar', length: USERNAME_MAX_LENGTH, unique: true })
  username: string;

  @Column({ name: 'email', type: 'varchar', length: EMAIL_MAX_LENGTH, nullable: true })
  email: string | null;

  /** `scrypt$N$r$p$salt$hash`, see password-hasher.ts. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;
}
