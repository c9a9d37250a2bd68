import { timingSafeEqual } from 'node:crypto';
import type { JwtDevicesUser, JwtDevicesUserService } from '../../lib/index.js';

export interface BenchUser extends JwtDevicesUser {
  id: number;
  isActive: boolean;
}

interface StoredUser extends BenchUser {
  password: Buffer;
}

/**
 * Users in memory whose passwords are compared in constant time without hashing, so that login
 * measures the module, not scrypt. Never a way to keep real passwords.
 */
export class InMemoryUsers implements JwtDevicesUserService<BenchUser> {
  private readonly byName = new Map<string, StoredUser>();
  private readonly byId = new Map<number, StoredUser>();

  constructor(usernames: readonly string[], password: string) {
    usernames.forEach((username, index) => {
      const user: StoredUser = { id: index + 1, username, isActive: true, password: Buffer.from(password) };
      this.byName.set(username, user);
      this.byId.set(user.id, user);
    });
  }

  validateCredentials(username: string, password: string): BenchUser | null {
    const user = this.byName.get(username);
    const given = Buffer.from(password);
    const expected = user?.password ?? given;
    // timingSafeEqual wants equal lengths; a different length is compared with itself and still fails.
    const matches = given.length === expected.length ? timingSafeEqual(given, expected) : !timingSafeEqual(expected, expected);
    return user && matches ? view(user) : null;
  }

  findById(id: number | string): BenchUser | null {
    const user = this.byId.get(Number(id));
    return user ? view(user) : null;
  }
}

function view({ id, username, isActive }: StoredUser): BenchUser {
  return { id, username, isActive };
}
