import { Body, Controller, Header, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { AllowAnonymous } from '../auth/allow-anonymous.decorator.js';
import { JwtDevicesErrorsInterceptor } from '../errors/jwt-devices-errors.interceptor.js';
import { SessionsService } from '../sessions.service.js';
import { TokenBodyPipe } from './token-body.pipe.js';
import type { AccessTokenBody } from './token.dto.js';

/** djangorestframework-jwt's `POST /auth-token/refresh`: a new `exp` for an unexpired access token. */
@Controller()
@UseInterceptors(JwtDevicesErrorsInterceptor)
export class AuthTokenRefreshController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('auth-token/refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @AllowAnonymous()
  refresh(@Body(TokenBodyPipe) body: AccessTokenBody): Promise<{ token: string }> {
    return this.sessions.refreshAccessToken(body.token);
  }
}
