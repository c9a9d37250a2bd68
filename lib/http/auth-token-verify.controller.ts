import { Body, Controller, Header, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { AllowAnonymous } from '../auth/allow-anonymous.decorator.js';
import { JwtDevicesErrorsInterceptor } from '../errors/jwt-devices-errors.interceptor.js';
import { SessionsService } from '../sessions.service.js';
import { TokenBodyPipe } from './token-body.pipe.js';
import type { AccessTokenBody } from './token.dto.js';

/** djangorestframework-jwt's `POST /auth-token/verify`: whether an access token would authenticate now. */
@Controller()
@UseInterceptors(JwtDevicesErrorsInterceptor)
export class AuthTokenVerifyController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('auth-token/verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @AllowAnonymous()
  verify(@Body(TokenBodyPipe) body: AccessTokenBody): Promise<{ token: string }> {
    return this.sessions.verifyAccessToken(body.token);
  }
}
