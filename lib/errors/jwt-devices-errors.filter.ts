import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  DeviceLimitRaceError,
  InvalidAccessTokenError,
  InvalidCredentialsError,
  InvalidPermanentTokenError,
  JwtDevicesUnavailableError,
  TokenRefreshError,
} from './jwt-devices.error.js';
import { setResponseHeaders, toHttpError } from './http-answers.js';

/** Answers the module's typed errors on its own routes, through the same mapping the guards use. */
@Catch(DeviceLimitRaceError, JwtDevicesUnavailableError, InvalidPermanentTokenError, InvalidAccessTokenError, InvalidCredentialsError, TokenRefreshError)
export class JwtDevicesErrorsFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: Error, host: ArgumentsHost): void {
    const { exception, headers } = toHttpError(error, 'bad-request');
    const response = host.switchToHttp().getResponse();
    setResponseHeaders(response, headers);
    this.adapterHost.httpAdapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}
