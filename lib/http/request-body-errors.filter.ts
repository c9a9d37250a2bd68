import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { isRequestBodyError, publicMessageOf } from './request-body-error.js';

/**
 * Opt-in, app-wide: answers the errors Express and Fastify raise before any route runs (invalid
 * JSON, a body over the limit, ...) in Nest's `{ statusCode, message, error }` shape and without
 * parser internals. Every other exception passes through unchanged. Register it with
 * `{ provide: APP_FILTER, useClass: RequestBodyErrorsFilter }`.
 */
@Catch(HttpException)
export class RequestBodyErrorsFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void {
    super.catch(normalized(exception), host);
  }
}

function normalized(exception: HttpException): HttpException {
  const cause = exception.cause;
  if (!isRequestBodyError(cause)) return exception;
  const status = exception.getStatus();
  const message = publicMessageOf(cause) ?? exception.message;
  return new HttpException(HttpException.createBody(message, STATUS_CODES[status] ?? 'Error', status), status, { cause });
}
