import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { JwtDevicesUser, JwtDevicesUserService } from '../../lib/index.js';
import { ActiveUserLookup } from './active-user-lookup.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password-hasher.js';
import { isUniqueViolation } from './unique-violation.js';
import { User, USERNAME_MAX_LENGTH } from './user.entity.js';
import { UsernameTakenError } from './username-taken.error.js';

/** What the jwt-devices module (and `@CurrentUser()`) sees of a user: never the password hash. */
export interface SampleUser extends JwtDevicesUser {
  id: number;
  email: string | null;
  isActive: boolean;
}

export interface NewUser {
  username: string;
  password: string;
  email?: string | null;
}

// The id column is a 32-bit int on every database; larger ids cannot exist and would make PostgreSQL fail.
const MAX_USER_ID = 2 ** 31 - 1;

@Injectable()
export class UsersService implements JwtDevicesUserService<SampleUser> {
  private readonly activeUsers: ActiveUserLookup;

  constructor(@InjectRepository(User) private readonly users: Repository<User>) {
    this.activeUsers = new ActiveUserLookup(users);
  }

  /** @throws UsernameTakenError */
  async create({ username, password, email }: NewUser): Promise<SampleUser> {
    const passwordHash = await hashPassword(password);
    try {
      const user = await this.users.save(this.users.create({ username, email: email ?? null, passwordHash }));
      return toSampleUser(user);
    } catch (error: unknown) {
      // The unique index decides, so two concurrent sign-ups of one name cannot both win.
      if (isUniqueViolation(error)) throw new UsernameTakenError();
      throw error;
    }
  }

  async validateCredentials(username: string, password: string): Promise<SampleUser | null> {
    const user = isStorableUsername(username) ? await this.users.findOneBy({ username }) : null;
    if (!user) {
      // One scrypt either way, so the response time does not tell whether the username exists.
      await verifyPassword(password, DUMMY_PASSWORD_HASH);
      return null;
    }
    const matches = await verifyPassword(password, user.passwordHash);
    return matches && user.isActive ? toSampleUser(user) : null;
  }

  async findById(id: number | string): Promise<SampleUser | null> {
    const userId = toUserId(id);
    if (userId === undefined) return null;
    const user = await this.activeUsers.find(userId);
    return user ? { ...user, isActive: true } : null;
  }

  async deactivate(id: number): Promise<void> {
    await this.users.update({ id }, { isActive: false });
  }

  async delete(id: number): Promise<void> {
    await this.users.delete({ id });
  }
}

function toSampleUser({ id, username, email, isActive }: User): SampleUser {
  return { id, username, email, isActive };
}

function toUserId(id: number | string): number | undefined {
  const value = typeof id === 'string' && /^[1-9]\d{0,9}$/.test(id) ? Number(id) : id;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_USER_ID ? value : undefined;
}

// Longer names or NUL bytes cannot be stored, and PostgreSQL rejects NUL in a query parameter.
function isStorableUsername(username: string): boolean {
  return username.length > 0 && username.length <= USERNAME_MAX_LENGTH && !username.includes('\0');
}
