import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { CSRF_HEADER } from '../auth/cookie-csrf.js';
import {
  DeviceLimitRaceError,
  CrossSiteRequestError,
  InvalidAccessTokenError,
  InvalidCredentialsError,
  InvalidPermanentTokenError,
  JwtDevicesUnavailableError,
  TokenRefreshError,
} from './jwt-devices.error.js';

export const PERMANENT_TOKEN_HEADER_MESSAGE = 'The Permanent-Token header is only accepted by the device refresh route.';
export const INVALID_PERMANENT_TOKEN_MESSAGE = 'Invalid permanent token.';
export const INVALID_ACCESS_TOKEN_MESSAGE = 'Invalid or expired access token.';
export const UNAVAILABLE_MESSAGE = 'Authentication is temporarily unavailable; try again shortly.';
export const RETRY_AFTER_SECONDS = '5';
export const CSRF_HEADER_MESSAGE = `A request authenticated by the cookie that changes state must send the ${CSRF_HEADER} header.`;
export const JSON_LOGIN_MESSAGE = 'With cookie authentication, login accepts only a JSON body (Content-Type: application/json).';

export interface MappedError {
  exception: HttpException;
  headers: Record<string, string>;
}

const logger = new Logger('JwtDevicesModule');

/**
 * The one place where the module's typed errors become HTTP answers. An access token that fails
 * is a 401 where it authenticates a request and a 400 where it is a body to check (`/auth-token/verify`).
 */
export function toHttpError(error: unknown, accessTokenFailure: 'unauthorized' | 'bad-request'): MappedError {
  if (error instanceof HttpException) return { exception: error, headers: {} };
  if (error instanceof JwtDevicesUnavailableError) {
    return { exception: new ServiceUnavailableException(UNAVAILABLE_MESSAGE), headers: { 'Retry-After': RETRY_AFTER_SECONDS } };
  }
  if (error instanceof CrossSiteRequestError) {
    // 415 tells a client it sent the wrong body type, whoever it is; 403 that the missing header is a defence.
    const exception = error.reason === 'login-body' ? new UnsupportedMediaTypeException(JSON_LOGIN_MESSAGE) : new ForbiddenException(CSRF_HEADER_MESSAGE);
    return { exception, headers: {} };
  }
  if (error instanceof InvalidPermanentTokenError) {
    return { exception: new BadRequestException(INVALID_PERMANENT_TOKEN_MESSAGE), headers: {} };
  }
  if (error instanceof DeviceLimitRaceError) return { exception: new ConflictException(error.message), headers: {} };
  if (error instanceof InvalidCredentialsError || error instanceof TokenRefreshError) {
    return { exception: new BadRequestException(error.message), headers: {} };
  }
  if (!(error instanceof InvalidAccessTokenError)) {
    // Not a client's fault, but no input may turn into a 5xx: refuse, and leave a trace for the operator.
    logger.error(`Unexpected ${error instanceof Error ? error.name : typeof error} while authenticating; refusing`);
  }
  return accessTokenFailure === 'unauthorized'
    ? { exception: new UnauthorizedException(INVALID_ACCESS_TOKEN_MESSAGE), headers: {} }
    : { exception: new BadRequestException(INVALID_ACCESS_TOKEN_MESSAGE), headers: {} };
}

interface HeaderWritable {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/** Sets a response header on Express (`res.setHeader`) or Fastify (`reply.header`). */
export function setResponseHeaders(response: unknown, headers: Record<string, string>): void {
  const target = response as HeaderWritable;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof target.header === 'function') target.header(name, value);
    else target.setHeader?.(name, value);
  }
}
