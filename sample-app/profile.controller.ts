import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentDevice, CurrentUser, JwtDevicesAuthGuard, type Device } from '../lib/index.js';
import type { SampleUser } from './users/users.service.js';

@Controller('profile')
export class ProfileController {
  @Get()
  @UseGuards(JwtDevicesAuthGuard)
  get(
    @CurrentUser() user: SampleUser,
    @CurrentDevice() device: Device | null,
  ): { id: number; username: string; device_id: number | null } {
    return { id: user.id, username: user.username, device_id: device?.id ?? null };
  }
}
