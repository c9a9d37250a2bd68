import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Lookups } from './lookups.js';

export const LOOKUPS = Symbol('LOOKUPS');

/**
 * The floor of any device-session guard: the bearer names a device and its user ("<device>.<user>"),
 * and the guard reads both rows and sets `request.user`. No signature, no clock, no options.
 */
@Injectable()
export class TwoLookupGuard implements CanActivate {
  constructor(@Inject(LOOKUPS) private readonly lookups: Lookups) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const [deviceId, userId] = (request.headers.authorization ?? '').replace(/^Bearer /, '').split('.').map(Number);
    const device = await this.lookups.device(deviceId);
    if (!device || device.user_id !== String(userId)) throw new UnauthorizedException();
    const user = await this.lookups.user(userId);
    if (!user) throw new UnauthorizedException();
    request.user = { id: user.id, username: user.username, deviceId: device.id };
    return true;
  }
}
