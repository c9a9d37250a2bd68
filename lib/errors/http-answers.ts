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
import {
  CrossSiteRequestError,
  DeviceLimitRaceError,
  InvalidAccessTokenError,
  InvalidCredentialsError,
  InvalidPermanentTokenError,
  JwtDevicesUnavailableError,
  TokenRefreshError,
} from './jwt-devices.error.js';
import { INVALID_ACCESS_TOKEN_MESSAGE } from './messages.js';

export const RETRY_AFTER_SECONDS = '5';

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
    return { exception: new ServiceUnavailableException(error.message), headers: { 'Retry-After': RETRY_AFTER_SECONDS } };
  }
  if (error instanceof CrossSiteRequestError) {
    // 415 tells a client it sent the wrong body type, whoever it is; 403 that the missing header is a defence.
    const exception = error.reason === 'login-body' ? new UnsupportedMediaTypeException(error.message) : new ForbiddenException(error.message);
    return { exception, headers: {} };
  }
  if (error instanceof DeviceLimitRaceError) return { exception: new ConflictException(error.message), headers: {} };
  if (error instanceof InvalidPermanentTokenError || error instanceof InvalidCredentialsError || error instanceof TokenRefreshError) {
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
