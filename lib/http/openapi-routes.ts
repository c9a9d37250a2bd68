import type { Type } from '@nestjs/common';
import type * as Swagger from '@nestjs/swagger';
import type { ApiResponseOptions } from '@nestjs/swagger';
import { DevicesController } from './devices.controller.js';
import { AuthTokenController } from './auth-token.controller.js';
import { AuthTokenRefreshController } from './auth-token-refresh.controller.js';
import { AuthTokenVerifyController } from './auth-token-verify.controller.js';
import { DeviceRefreshTokenController } from './device-refresh-token.controller.js';
import { LoginDto } from './login.dto.js';
import {
  AccessTokenResponseModel,
  DeviceModel,
  DeviceRefreshResponseModel,
  documentModels,
  ErrorResponseModel,
  LoginResponseModel,
  LogoutOthersResponseModel,
} from './openapi-models.js';
import { TokenDto } from './token.dto.js';

type Headers = ApiResponseOptions['headers'];

const OPENAPI_TAG = 'jwt-devices';
const ROUTE_CONTROLLERS = [AuthTokenController, DeviceRefreshTokenController, DevicesController, AuthTokenRefreshController, AuthTokenVerifyController];

const NO_STORE: Headers = { 'Cache-Control': { description: 'Always `no-store`: the body carries tokens.', schema: { type: 'string' } } };
// §5: every route but the device refresh answers 400 to a Permanent-Token header.
const HEADER_RULE = 'the request carries a non-empty `Permanent-Token` header, which only `POST /device-refresh-token` accepts';
const SAFE_ID = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/** Describes the built-in controllers, their bodies, headers and answers to `@nestjs/swagger`. */
export function documentRoutes(swagger: typeof Swagger): void {
  documentModels(swagger);
  const { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } = swagger;

  const ok = (type: Type | [Type], headers?: Headers) => ApiResponse({ status: 200, description: 'OK', type, headers });
  const noContent = (description: string) => ApiResponse({ status: 204, description });
  const error = (status: number, description: string, headers?: Headers) => ApiResponse({ status, description, type: ErrorResponseModel, headers });
  const badRequest = (description: string) => error(400, description);
  const headerRuleOnly = () => badRequest(`Only when ${HEADER_RULE}.`);
  const unauthorized = () =>
    error(401, 'No access token, or one that is invalid or expired, or whose device or user is gone.', {
      'WWW-Authenticate': { description: 'The challenge, e.g. `Bearer realm="api", error="invalid_token"`.', schema: { type: 'string' } },
    });
  const notFound = () => error(404, "No such device among the caller's; nothing was deleted.");
  const tooLarge = () => error(413, "The request body is over the app's size limit.");
  const unavailable = () =>
    error(503, 'The database is unreachable; nothing was changed.', {
      'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
    });

  for (const controller of ROUTE_CONTROLLERS) ApiTags(OPENAPI_TAG)(controller);
  ApiBearerAuth()(DevicesController);

  decorate(
    AuthTokenController,
    'login',
    ApiOperation({
      summary: 'Log in on a new device',
      description:
        'Checks the credentials and creates a device with its permanent token. The user field is `username` by default; ' +
        "the module's `usernameField` option renames it.",
    }),
    ApiConsumes('application/json', 'application/x-www-form-urlencoded'),
    ApiBody({ type: LoginDto }),
    ApiHeader({
      name: 'X-Device-Model',
      required: false,
      description: "Names the new device, with the `User-Agent` as its details; without it the device's name is the `User-Agent`.",
    }),
    ok(LoginResponseModel, NO_STORE),
    badRequest(`A missing, blank or non-string field (one message per field), or \`Unable to log in with provided credentials.\`, or ${HEADER_RULE}.`),
    error(409, 'With `maxDevicesPerUser`: newer concurrent logins of the user took every device slot; no tokens were issued.'),
    tooLarge(),
    error(415, 'With `authCookie`: the body is not JSON (form-encoded login is accepted only without the cookie).'),
    unavailable(),
  );
  decorate(
    DeviceRefreshTokenController,
    'refresh',
    ApiOperation({
      summary: "Trade a device's permanent token for a new access token",
      description: 'Reads only the `Permanent-Token` header; the body and `Authorization` are ignored.',
    }),
    ApiHeader({ name: 'Permanent-Token', required: true, description: 'The permanent token of the login or of the last refresh.', schema: { minLength: 1 } }),
    ok(DeviceRefreshResponseModel, NO_STORE),
    badRequest('The permanent token is missing, blank, unknown, expired, rotated away or revoked, or its user is disabled or deleted.'),
    unavailable(),
  );

  decorate(
    DevicesController,
    'list',
    ApiOperation({ summary: "List the caller's devices", description: 'By id; `current` marks the device of the access token.' }),
    ok([DeviceModel]),
    headerRuleOnly(),
    unauthorized(),
    unavailable(),
  );
  decorate(
    DevicesController,
    'logout',
    ApiOperation({ summary: 'Log a device out', description: 'The device and its access tokens stop working at once.' }),
    ApiHeader({ name: 'Device-Id', required: true, description: 'The `device_id` of the login, sent once.', schema: SAFE_ID }),
    noContent('The device is logged out.'),
    badRequest(`A missing, empty, repeated or non-integer \`Device-Id\`, or ${HEADER_RULE}.`),
    unauthorized(),
    notFound(),
    unavailable(),
  );
  decorate(
    DevicesController,
    'remove',
    ApiOperation({ summary: 'Log a device out by id', description: 'May name the current device: that is a logout.' }),
    ApiParam({ name: 'id', description: 'The device id.', schema: SAFE_ID }),
    noContent('The device is logged out.'),
    headerRuleOnly(),
    unauthorized(),
    notFound(),
    unavailable(),
  );
  decorate(
    DevicesController,
    'logoutOthers',
    ApiOperation({ summary: 'Log out every device of the caller but the current one' }),
    ok(LogoutOthersResponseModel),
    headerRuleOnly(),
    unauthorized(),
    unavailable(),
  );

  decorate(
    AuthTokenRefreshController,
    'refresh',
    ApiOperation({
      summary: 'Refresh an unexpired access token',
      description: 'djangorestframework-jwt style: a new `exp`, the original `orig_iat`. Needs the `allowRefresh` option.',
    }),
    ApiBody({ type: TokenDto }),
    ok(AccessTokenResponseModel, NO_STORE),
    badRequest(`An invalid or expired token, no \`orig_iat\`, a passed refresh window or refresh turned off, or ${HEADER_RULE}.`),
    tooLarge(),
    unavailable(),
  );
  decorate(
    AuthTokenVerifyController,
    'verify',
    ApiOperation({ summary: 'Check that an access token would authenticate now', description: 'Answers the token itself when it is valid.' }),
    ApiBody({ type: TokenDto }),
    ok(AccessTokenResponseModel, NO_STORE),
    badRequest(`An invalid or expired token, or ${HEADER_RULE}.`),
    tooLarge(),
    unavailable(),
  );
}

/** What `@Decorator()` above a method does, applied after the fact. */
function decorate<T>(type: Type<T>, method: keyof T & string, ...decorators: MethodDecorator[]): void {
  const prototype = type.prototype as object;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, method)!;
  for (const decorator of decorators) decorator(prototype, method, descriptor);
}
