import { Controller, Delete, Get, HttpCode, Inject, NotFoundException, Post, Req, UseInterceptors, UseGuards } from '@nestjs/common';
import { CurrentDevice } from '../auth/current-device.decorator.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { JwtDevicesAuthGuard } from '../auth/jwt-devices-auth.guard.js';
import type { Device } from '../device.entity.js';
import { DevicesService } from '../devices.service.js';
import { JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { clientAddress } from '../platform/client-address.js';
import { DEVICE_NOT_FOUND_MESSAGE } from '../errors/messages.js';
import { DeviceIdHeader, DeviceIdParam } from './device-id.decorators.js';
import { type DeviceView, toDeviceView } from './device.view.js';
import { JwtDevicesErrorsInterceptor } from '../errors/jwt-devices-errors.interceptor.js';

/** The caller's devices: list, log one out, log out all others. Parameter types emit `Object` or `Number`, which an app's global ValidationPipe passes through. */
@Controller()
@UseInterceptors(JwtDevicesErrorsInterceptor)
@UseGuards(JwtDevicesAuthGuard)
export class DevicesController {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    private readonly devices: DevicesService,
  ) {}

  @Get('devices')
  async list(@CurrentUser() user: JwtDevicesUser, @CurrentDevice() current: Device | null): Promise<DeviceView[]> {
    if (!this.options.permanentTokenAuth) return [];
    const devices = await this.devices.listForUser(user.id);
    return devices.map((device) => toDeviceView(device, current, this.options.storeClientAddress));
  }

  @Delete('device-logout')
  @HttpCode(204)
  async logout(
    @CurrentUser() user: JwtDevicesUser,
    @CurrentDevice() current: Device | null,
    @DeviceIdHeader() deviceId: number,
    @Req() request: unknown,
  ): Promise<void> {
    await this.revokeOwn(user, current, deviceId, request);
  }

  @Delete('devices/:id')
  @HttpCode(204)
  async remove(
    @CurrentUser() user: JwtDevicesUser,
    @CurrentDevice() current: Device | null,
    @DeviceIdParam() deviceId: number,
    @Req() request: unknown,
  ): Promise<void> {
    await this.revokeOwn(user, current, deviceId, request);
  }

  @Post('devices/logout-others')
  @HttpCode(200)
  async logoutOthers(
    @CurrentUser() user: JwtDevicesUser,
    @CurrentDevice() current: Device | null,
    @Req() request: unknown,
  ): Promise<{ revoked: number }> {
    if (!current) return { revoked: 0 };
    return { revoked: await this.devices.revokeAllExcept(user.id, current.id, { ip: clientAddress(request) }) };
  }

  /** Another user's device answers exactly as a missing one, so ids reveal nothing. */
  private async revokeOwn(user: JwtDevicesUser, current: Device | null, deviceId: number, request: unknown): Promise<void> {
    const context = { reason: 'user' as const, byDeviceId: current?.id, ip: clientAddress(request) };
    if (!this.options.permanentTokenAuth || !(await this.devices.revoke(user.id, deviceId, context))) {
      throw new NotFoundException(DEVICE_NOT_FOUND_MESSAGE);
    }
  }
}
