import type { Type } from '@nestjs/common';
import type * as Swagger from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { MAX_ACCESS_TOKEN_LENGTH } from '../tokens.service.js';
import type { DeviceView } from './device.view.js';
import { LoginDto, MAX_CREDENTIAL_LENGTH } from './login.dto.js';
import { TokenDto } from './token.dto.js';

// The controllers return plain objects; these classes only give their bodies a name in the document.

export class LoginResponseModel {
  token: string;
  permanent_token: string;
  device_id: number;
}

export class DeviceRefreshResponseModel {
  token: string;
  permanent_token?: string;
}

export class AccessTokenResponseModel {
  token: string;
}

export class DeviceModel implements DeviceView {
  id: number;
  name: string;
  details: string;
  created: string;
  last_request_datetime: string;
  current: boolean;
  login_address?: string | null;
  last_address?: string | null;
}

export class LogoutOthersResponseModel {
  revoked: number;
}

/** Nest's error body. */
export class ErrorResponseModel {
  statusCode: number;
  message: string | string[];
  error: string;
}

const ACCESS_TOKEN: ApiPropertyOptions = { type: String, description: 'A short-lived JWT access token; send it as `Authorization: Bearer <token>`.' };
const SAFE_ID = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** Component schemas named after the module, so they never merge with an app's own `LoginDto`. */
export function documentModels(swagger: typeof Swagger): void {
  model(swagger, LoginDto, 'JwtDevicesLoginRequest', 'Credentials. Also accepted form-encoded.', {
    username: {
      type: String,
      minLength: 1,
      maxLength: MAX_CREDENTIAL_LENGTH,
      example: 'alice',
      description: "The user's name. The field is named by the module's `usernameField` option; `username` is the default.",
    },
    password: { type: String, format: 'password', minLength: 1, maxLength: MAX_CREDENTIAL_LENGTH },
  });
  model(swagger, TokenDto, 'JwtDevicesTokenRequest', 'An access token to refresh or verify.', {
    token: { type: String, minLength: 1, maxLength: MAX_ACCESS_TOKEN_LENGTH },
  });
  model(swagger, LoginResponseModel, 'JwtDevicesLoginResponse', 'With `permanentTokenAuth: false`, only `token`.', {
    token: ACCESS_TOKEN,
    permanent_token: {
      type: String,
      description: "The device's long-lived permanent token, shown only this once; send it as the `Permanent-Token` header of `POST /device-refresh-token`.",
    },
    device_id: { ...SAFE_ID, description: 'The new device; the `Device-Id` of `DELETE /device-logout`.' },
  });
  model(swagger, DeviceRefreshResponseModel, 'JwtDevicesDeviceRefreshResponse', 'A new access token for the device.', {
    token: ACCESS_TOKEN,
    permanent_token: {
      type: String,
      required: false,
      description: 'With `rotatePermanentTokens` (the default): the new permanent token, shown only this once; it replaces the one sent.',
    },
  });
  model(swagger, AccessTokenResponseModel, 'JwtDevicesAccessTokenResponse', 'An access token.', { token: ACCESS_TOKEN });
  model(swagger, DeviceModel, 'JwtDevicesDevice', 'One of the caller\'s logged-in devices.', {
    id: SAFE_ID,
    name: { type: String, description: '`X-Device-Model` of the login, else its `User-Agent`.', example: 'Pixel 8' },
    details: { type: String, description: 'The login\'s `User-Agent` when `X-Device-Model` named the device, else empty.' },
    created: { type: String, format: 'date-time', description: 'ISO-8601, UTC.' },
    last_request_datetime: { type: String, format: 'date-time', description: 'The last device refresh, ISO-8601, UTC.' },
    current: { type: Boolean, description: 'Whether this is the device of the access token that asked.' },
    login_address: { type: String, nullable: true, required: false, description: 'With `storeClientAddress` only: the client address at login.', example: '203.0.113.7' },
    last_address: { type: String, nullable: true, required: false, description: 'With `storeClientAddress` only: the client address at the last login or device refresh.', example: '203.0.113.7' },
  });
  model(swagger, LogoutOthersResponseModel, 'JwtDevicesLogoutOthersResponse', 'How many devices were logged out.', {
    revoked: { type: 'integer', minimum: 0 },
  });
  model(swagger, ErrorResponseModel, 'JwtDevicesError', "Nest's error body.", {
    statusCode: { type: 'integer', example: 400 },
    message: {
      // `Array` plus a combinator is how @nestjs/swagger takes a union: it keeps `oneOf` and drops `type`.
      type: Array,
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description: 'One message, or one per invalid field of a request body.',
    },
    error: { type: String, example: 'Bad Request' },
  });
}

/** Every field of `type` must be documented: the record's keys are checked against the class. */
function model<T>(swagger: typeof Swagger, type: Type<T>, name: string, description: string, properties: Record<keyof T & string, ApiPropertyOptions>): void {
  swagger.ApiSchema({ name, description })(type);
  for (const [key, options] of Object.entries<ApiPropertyOptions>(properties)) {
    swagger.ApiProperty(options)(type.prototype as object, key);
  }
}
