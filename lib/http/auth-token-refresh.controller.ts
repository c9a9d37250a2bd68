import { Body, Controller, Header, HttpCode, Post, UseFilters } from '@nestjs/common';
import { SessionsService } from '../sessions.service.js';
import { JwtDevicesErrorsFilter } from '../errors/jwt-devices-errors.filter.js';
import { TokenBodyPipe } from './token-body.pipe.js';
import type { AccessTokenBody } from './token.dto.js';

/** djangorestframework-jwt's `/auth-token/refresh` and `/auth-token/verify`. */
@Controller()
@UseFilters(JwtDevicesErrorsFilter)
export class TokenRefreshController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('auth-token/refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  refresh(@Body(TokenBodyPipe) body: AccessTokenBody): Promise<{ token: string }> {
    return this.sessions.refreshAccessToken(body.token);
  }

  @Post('auth-token/verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  verify(@Body(TokenBodyPipe) body: AccessTokenBody): Promise<{ token: string }> {
    return this.sessions.verifyAccessToken(body.token);
  }
}
