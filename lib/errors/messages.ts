import { CSRF_HEADER } from '../jwt-devices.constants.js';

// Every text a client can read in an answer of the module, each written once.
export const PERMANENT_TOKEN_HEADER_MESSAGE = 'The Permanent-Token header is only accepted by the device refresh route.';
export const INVALID_PERMANENT_TOKEN_MESSAGE = 'Invalid permanent token.';
export const INVALID_ACCESS_TOKEN_MESSAGE = 'Invalid or expired access token.';
export const INVALID_CREDENTIALS_MESSAGE = 'Unable to log in with provided credentials.';
export const DEVICE_LIMIT_RACE_MESSAGE = 'Newer logins of this account took every device slot; log in again.';
export const UNAVAILABLE_MESSAGE = 'Authentication is temporarily unavailable; try again shortly.';
export const CSRF_HEADER_MESSAGE = `A request authenticated by the cookie that changes state must send the ${CSRF_HEADER} header.`;
export const JSON_LOGIN_MESSAGE = 'With cookie authentication, login accepts only a JSON body (Content-Type: application/json).';
export const DEVICE_NOT_FOUND_MESSAGE = 'Device not found.';
export const REFRESH_DISABLED_MESSAGE = 'Token refresh is disabled.';
export const ORIG_IAT_REQUIRED_MESSAGE = 'orig_iat field is required.';
export const REFRESH_EXPIRED_MESSAGE = 'Refresh has expired.';

/** Thrown at boot when TypeORM does not know the module's entities. */
export function entitiesMissingMessage(missing: string[]): string {
  return (
    `JwtDevicesModule: the ${missing.join(' and ')} ${missing.length > 1 ? 'entities are' : 'entity is'} not registered with TypeORM. ` +
    'Add `autoLoadEntities: true` to TypeOrmModule.forRoot(), or add `...JWT_DEVICES_ENTITIES` ' +
    '(Device and RetiredToken, from nestjs-jwt-devices) to its `entities`.'
  );
}

export function deviceTablesMissingMessage(missing: string[]): string {
  return (
    `JwtDevicesModule: the ${missing.join(' and ')} ${missing.length > 1 ? 'tables do' : 'table does'} not exist. ` +
    "Run the module's migrations: add `...JWT_DEVICES_MIGRATIONS` (from nestjs-jwt-devices) to TypeORM's `migrations` " +
    'with `migrationsRun: true`, or run them with the TypeORM CLI; in development only, `synchronize: true` creates them.'
  );
}
