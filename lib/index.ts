export { JwtDevicesModule } from './jwt-devices.module.js';
export {
  JWT_ALGORITHMS,
  type Duration,
  type JwtAlgorithm,
  type JwtDevicesInvalidationOptions,
  type JwtDevicesModuleAsyncOptions,
  type JwtDevicesModuleOptions,
  type JwtDevicesOptionsFactory,
  type JwtDevicesPostgresInvalidationOptions,
  type JwtDevicesRedisInvalidationOptions,
  type JwtDevicesRoutesOptions,
  type JwtDevicesRuntimeOptions,
  type JwtDevicesStaticOptions,
} from './options/module-options.js';
export { JwtDevicesDefaults } from './options/defaults.js';
export type { DeviceInvalidationBus, DeviceInvalidationListener } from './invalidation/device-invalidation-bus.js';
export { parseDuration } from './options/duration.js';
export type { JwtDevicesUser, JwtDevicesUserService } from './jwt-devices-user.js';
export {
  DEVICE_DETAILS_HANDLER,
  JWT_DEVICES_CLOCK,
  JWT_DEVICES_STRATEGY,
  JWT_PAYLOAD_HANDLER,
  JWT_RESPONSE_PAYLOAD_HANDLER,
  JWT_USER_ID_READER,
  JWT_USERNAME_READER,
  PERMANENT_TOKEN_STRATEGY,
  SESSION_EVENTS_LISTENER,
} from './jwt-devices.constants.js';
export { Device } from './device.entity.js';
export { RetiredToken } from './retired-token.entity.js';
export { JWT_DEVICES_ENTITIES } from './jwt-devices.entities.js';
export { DevicesService, type CreatedDevice, type PurgeOptions, type RefreshedDevice, type RevocationContext } from './devices.service.js';
export {
  JwtDevicesEvents,
  type DeviceEventBase,
  type DeviceRevokedEvent,
  type DeviceRevokedReason,
  type DevicesPurgedEvent,
  type LoginEvent,
  type LogoutEvent,
  type RefreshEvent,
  type ReuseDetectedEvent,
  type SessionEvent,
  type SessionEventBase,
  type SessionEventName,
  type SessionEventOrigin,
  type SessionEventPayloads,
  type SessionEventsListener,
  type UserDevicesRevokedEvent,
} from './events/session-events.js';
export { DefaultSessionEventsListener } from './events/event-emitter.listener.js';
export { TokensService } from './tokens.service.js';
export type { IssuedPermanentToken } from './crypto/permanent-tokens.js';
export { SessionsService, type SessionResult } from './sessions.service.js';
export { SystemClock, type JwtDevicesClock } from './clock.js';
export { JwtDevicesAuthGuard } from './auth/jwt-devices-auth.guard.js';
export { PermanentTokenGuard } from './auth/permanent-token.guard.js';
export { JwtDevicesStrategy } from './auth/jwt-devices.strategy.js';
export { PermanentTokenStrategy } from './auth/permanent-token.strategy.js';
export { CurrentUser } from './auth/current-user.decorator.js';
export { CurrentDevice } from './auth/current-device.decorator.js';
export { AllowPermanentToken } from './auth/allow-permanent-token.decorator.js';
export { AllowAnonymous } from './auth/allow-anonymous.decorator.js';
export { DefaultJwtPayloadHandler, type JwtClaims, type JwtPayloadHandler } from './handlers/jwt-payload.handler.js';
export {
  DefaultJwtResponsePayloadHandler,
  type JwtResponseContext,
  type JwtResponsePayloadHandler,
} from './handlers/jwt-response-payload.handler.js';
export {
  DefaultDeviceDetailsHandler,
  type DeviceDescription,
  type DeviceDetailsHandler,
} from './handlers/device-details.handler.js';
export {
  DefaultJwtUserIdReader,
  DefaultJwtUsernameReader,
  type JwtUserIdReader,
  type JwtUsernameReader,
} from './handlers/claims-readers.js';
export { CSRF_HEADER } from './jwt-devices.constants.js';
export {
  CrossSiteRequestError,
  DeviceLimitRaceError,
  InvalidAccessTokenError,
  InvalidCredentialsError,
  InvalidPermanentTokenError,
  JwtDevicesConfigError,
  JwtDevicesError,
  JwtDevicesUnavailableError,
  TokenRefreshError,
} from './errors/jwt-devices.error.js';
export { JwtDevicesErrorsFilter } from './errors/jwt-devices-errors.filter.js';
export { JwtDevicesErrorsInterceptor } from './errors/jwt-devices-errors.interceptor.js';
export type { DeviceView } from './http/device.view.js';
export {
  CreateJwtDevicesDevice1764100000000,
  CreateJwtDevicesRetiredToken1764100000001,
  ExactJwtDevicesKeys1764100000002,
  ConstantSpaceRotation1764100000003,
  AddJwtDevicesClientAddress1764100000004,
  JWT_DEVICES_MIGRATIONS,
} from './migrations/index.js';
export { RequestBodyErrorsFilter } from './http/request-body-errors.filter.js';
export { answerFastifyFrameworkError } from './http/fastify-framework-errors.js';
