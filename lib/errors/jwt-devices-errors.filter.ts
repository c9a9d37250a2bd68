import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { setResponseHeaders } from '../platform/response-headers.js';
import { toHttpError } from './http-answers.js';
import { JwtDevicesError } from './jwt-devices.error.js';

/** Answers the module's typed errors on its own routes, through the same mapping the guards use. */
@Catch(JwtDevicesError)
export class JwtDevicesErrorsFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: JwtDevicesError, host: ArgumentsHost): void {
    const { exception, headers } = toHttpError(error, 'bad-request');
    const response = host.switchToHttp().getResponse();
    setResponseHeaders(response, headers);
    this.adapterHost.httpAdapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}
