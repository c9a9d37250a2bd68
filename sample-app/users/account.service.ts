import { Injectable } from '@nestjs/common';
import { DevicesService } from '../../lib/index.js';
import { UsersService } from './users.service.js';

/** What a signed-in user can do to their own account. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersService,
    private readonly devices: DevicesService,
  ) {}

  /** A disabled user can no longer log in, refresh or use their access tokens; their devices stay for a reactivation. */
  async deactivate(userId: number): Promise<void> {
    await this.users.deactivate(userId);
  }

  async delete(userId: number): Promise<void> {
    // Disable first, so no login can add a device between the revocation and the delete.
    await this.users.deactivate(userId);
    await this.devices.revokeAllForUser(userId);
    await this.users.delete(userId);
  }
}
