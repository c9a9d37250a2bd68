import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res, UseInterceptors, UseGuards } from '@nestjs/common';
import { AllowAnonymous } from '../auth/allow-anonymous.decorator.js';
import { CookieLoginGuard } from '../auth/cookie-login.guard.js';
import { JwtDevicesErrorsInterceptor } from '../errors/jwt-devices-errors.interceptor.js';
import { JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { SessionsService } from '../sessions.service.js';
import { LoginBodyPipe } from './login-body.pipe.js';
import type { LoginCredentials } from './login.dto.js';
import { answerSession } from './session-answer.js';

/** `POST /auth-token`: log in on a new device. The body's type is an interface, which emits `Object`, so an app's global ValidationPipe passes it through. */
@Controller()
@UseInterceptors(JwtDevicesErrorsInterceptor)
export class AuthTokenController {
  constructor(
    @Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions,
    private readonly sessions: SessionsService,
  ) {}

  @Post('auth-token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(CookieLoginGuard)
  @AllowAnonymous()
  async login(@Body(LoginBodyPipe) body: LoginCredentials, @Req() request: unknown, @Res({ passthrough: true }) response: unknown): Promise<object> {
    return answerSession(await this.sessions.login(body.username, body.password, request), request, response, this.options);
  }
}
