import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { AllowPermanentToken } from '../auth/allow-permanent-token.decorator.js';
import { CookieLoginGuard } from '../auth/cookie-login.guard.js';
import { CurrentDevice } from '../auth/current-device.decorator.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { PermanentTokenGuard } from '../auth/permanent-token.guard.js';
import type { Device } from '../device.entity.js';
import { JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { JwtDevicesUser } from '../jwt-devices-user.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { SessionsService, type SessionResult } from '../sessions.service.js';
import { setAuthCookie } from './auth-cookie.js';
import { JwtDevicesErrorsFilter } from '../errors/jwt-devices-errors.filter.js';
import { LoginBodyPipe } from './login-body.pipe.js';
import type { LoginCredentials } from './login.dto.js';

/** `POST /auth-token` and `POST /device-refresh-token`. Parameter types are interfaces or `Readonly<…>`, which emit `Object`, so an app's global ValidationPipe passes them through. */
@Controller()
@UseFilters(JwtDevicesErrorsFilter)
export class LoginController {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    private readonly sessions: SessionsService,
  ) {}

  @Post('auth-token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(CookieLoginGuard)
  async login(@Body(LoginBodyPipe) body: LoginCredentials, @Req() request: unknown, @Res({ passthrough: true }) response: unknown): Promise<object> {
    return this.answer(await this.sessions.login(body.username, body.password, request), request, response);
  }

  @Post('device-refresh-token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @AllowPermanentToken()
  @UseGuards(PermanentTokenGuard)
  async refresh(
    @CurrentUser() user: JwtDevicesUser,
    @CurrentDevice() device: Readonly<Device>,
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<object> {
    return this.answer(await this.sessions.refreshDevice(user, device, request), request, response);
  }

  private answer({ body, accessToken }: SessionResult, request: unknown, response: unknown): object {
    const cookie = this.options.authCookie;
    if (cookie !== undefined) setAuthCookie(request, response, cookie, accessToken, this.options.accessTokenTtl);
    return body;
  }
}
