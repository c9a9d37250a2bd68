import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentDevice, CurrentUser, JwtDevicesAuthGuard, type Device } from '../../lib/index.js';
import type { BenchUser } from './in-memory-users.js';

/** The sample app's guarded route, so the two apps' figures compare. */
@Controller('profile')
export class ProfileController {
  @Get()
  @UseGuards(JwtDevicesAuthGuard)
  get(
    @CurrentUser() user: BenchUser,
    @CurrentDevice() device: Device | null,
  ): { id: number; username: string; device_id: number | null } {
    return { id: user.id, username: user.username, device_id: device?.id ?? null };
  }
}
