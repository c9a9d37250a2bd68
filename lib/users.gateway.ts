import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtDevicesUnavailableError } from './errors/jwt-devices.error.js';
import { JWT_DEVICES_OPTIONS } from './jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from './jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from './options/resolved-options.js';

/** The app's userService, with disabled users filtered out and its failures made typed. */
@Injectable()
export class UsersGateway {
  private readonly logger = new Logger('JwtDevicesModule');

  constructor(@Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions) {}

  async validateCredentials(username: string, password: string): Promise<JwtDevicesUser | null> {
    const user = await this.call(() => this.options.userService.validateCredentials(username, password));
    return isActive(user) ? user : null;
  }

  async findActive(id: unknown): Promise<JwtDevicesUser | null> {
    if (!isUserId(id)) return null;
    const user = await this.call(() => this.options.userService.findById(id));
    return isActive(user) && String(user.id) === String(id) ? user : null;
  }

  private async call<T>(work: () => Promise<T> | T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // The error is the app's; log its kind only, since driver messages can carry query text.
      const name = error instanceof Error ? error.name : typeof error;
      this.logger.error(`userService failed (${name}); answering 503`);
      throw new JwtDevicesUnavailableError(name);
    }
  }
}

function isActive(user: JwtDevicesUser | null | undefined): user is JwtDevicesUser {
  return typeof user === 'object' && user !== null && user.isActive !== false && isUserId(user.id);
}

function isUserId(id: unknown): id is number | string {
  return (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length > 0 && id.length <= 64);
}
