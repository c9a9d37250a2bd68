import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { JwtDevicesUser, JwtDevicesUserService } from '../../lib/index.js';
import { ActiveUserLookup } from './active-user-lookup.js';
import { JwtDevicesUnavailableError } from '../../lib/index.js';
import { PasswordHasher } from './password-hasher.js';
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
  private readonly logger = new Logger('UsersService');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
  ) {
    this.activeUsers = new ActiveUserLookup(users);
  }

  /**
   * @throws UsernameTakenError
   * @throws JwtDevicesUnavailableError when the database fails, which the module's errors filter answers with 503.
   */
  async create({ username, password, email }: NewUser): Promise<SampleUser> {
    const passwordHash = await this.hasher.hash(password);
    try {
      const user = await this.users.save(this.users.create({ username, email: email ?? null, passwordHash }));
      return toSampleUser(user);
    } catch (error: unknown) {
      // The unique index decides, so two concurrent sign-ups of one name cannot both win.
      if (isUniqueViolation(error)) throw new UsernameTakenError();
      throw this.unavailable('Sign-up', error);
    }
  }

  async validateCredentials(username: string, password: string): Promise<SampleUser | null> {
    const user = isStorableUsername(username) ? await this.users.findOneBy({ username }) : null;
    if (!user) {
      // One scrypt either way, so the response time does not tell whether the username exists.
      await this.hasher.verifyNothing(password);
      return null;
    }
    if (!(await this.hasher.verify(password, user.passwordHash)) || !user.isActive) return null;
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(user, password);
    return toSampleUser(user);
  }

  async findById(id: number | string): Promise<SampleUser | null> {
    const userId = toUserId(id);
    if (userId === undefined) return null;
    const user = await this.activeUsers.find(userId);
    return user ? { ...user, isActive: true } : null;
  }

  /** @throws JwtDevicesUnavailableError when the database fails. */
  async deactivate(id: number): Promise<void> {
    await this.users.update({ id }, { isActive: false }).catch((error: unknown) => Promise.reject(this.unavailable('Deactivation', error)));
  }

  /** @throws JwtDevicesUnavailableError when the database fails. */
  async delete(id: number): Promise<void> {
    await this.users.delete({ id }).catch((error: unknown) => Promise.reject(this.unavailable('Deletion', error)));
  }

  /** A database failure as the module's typed error, which its errors filter answers with 503; logged by kind only, as driver messages can carry the query. */
  private unavailable(action: string, error: unknown): JwtDevicesUnavailableError {
    const name = error instanceof Error ? error.name : typeof error;
    this.logger.error(`${action} failed (${name}); answering 503`);
    return new JwtDevicesUnavailableError(name);
  }

  /** Moves a hash made under older scrypt parameters to the current ones; only if no one changed it meanwhile. */
  private async rehash(user: User, password: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    try {
      await this.users.update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
    } catch (error: unknown) {
      // The login itself succeeded; the next one tries again.
      this.logger.warn(`Rehashing a password failed (${error instanceof Error ? error.name : typeof error}); kept the old hash`);
    }
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
