import { Controller, Header, HttpCode, Inject, Post, Req, Res, UseInterceptors, UseGuards } from '@nestjs/common';
import { AllowAnonymous } from '../auth/allow-anonymous.decorator.js';
import { AllowPermanentToken } from '../auth/allow-permanent-token.decorator.js';
import { CurrentDevice } from '../auth/current-device.decorator.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { PermanentTokenGuard } from '../auth/permanent-token.guard.js';
import type { Device } from '../device.entity.js';
import { JwtDevicesErrorsInterceptor } from '../errors/jwt-devices-errors.interceptor.js';
import { JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { SessionsService } from '../sessions.service.js';
import { answerSession } from './session-answer.js';

/** `POST /device-refresh-token`: a device trades its permanent token for a new access token. Parameter types are interfaces or `Readonly<…>`, which emit `Object`, so an app's global ValidationPipe passes them through. */
@Controller()
@UseInterceptors(JwtDevicesErrorsInterceptor)
export class DeviceRefreshTokenController {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    private readonly sessions: SessionsService,
  ) {}

  @Post('device-refresh-token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @AllowPermanentToken()
  @AllowAnonymous()
  @UseGuards(PermanentTokenGuard)
  async refresh(
    @CurrentUser() user: JwtDevicesUser,
    @CurrentDevice() device: Readonly<Device>,
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<object> {
    return answerSession(await this.sessions.refreshDevice(user, device, request), request, response, this.options);
  }
}
