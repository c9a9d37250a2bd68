import { Logger, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { AccessTokenAuthenticator } from './access-token.authenticator.js';
import { JwtDevicesStrategy } from './auth/jwt-devices.strategy.js';
import { PermanentTokenStrategy } from './auth/permanent-token.strategy.js';
import { SystemClock } from './clock.js';
import { accessTokenJwtService } from './crypto/access-token-jwt.js';
import { deviceRepositoryProvider } from './store/device.repository.js';
import { DeviceStore } from './store/device-store.js';
import { DeviceTablesCheck } from './store/device-tables.check.js';
import { DevicesService } from './devices.service.js';
import { invalidationBusProvider } from './invalidation/invalidation-bus.provider.js';
import { DefaultSessionEventsListener } from './events/event-emitter.listener.js';
import { SessionEventsEmitter } from './events/session-events.emitter.js';
import { DefaultJwtUserIdReader, DefaultJwtUsernameReader } from './handlers/claims-readers.js';
import { DefaultDeviceDetailsHandler } from './handlers/device-details.handler.js';
import { DefaultJwtPayloadHandler } from './handlers/jwt-payload.handler.js';
import { DefaultJwtResponsePayloadHandler } from './handlers/jwt-response-payload.handler.js';
import { NoopInterceptor, PermanentTokenHeaderInterceptor } from './http/permanent-token-header.interceptor.js';
import {
  DEVICE_DETAILS_HANDLER,
  JWT_DEVICES_CLOCK,
  JWT_PAYLOAD_HANDLER,
  JWT_RESPONSE_PAYLOAD_HANDLER,
  JWT_USER_ID_READER,
  JWT_USERNAME_READER,
  SESSION_EVENTS_LISTENER,
} from './jwt-devices.constants.js';
import {
  JWT_DEVICES_JWT_SERVICE,
  JWT_DEVICES_OPTIONS,
  JWT_DEVICES_PERMANENT_TOKEN_KEYS,
  JWT_DEVICES_RAW_OPTIONS,
  JWT_DEVICES_SIGNING_KEYS,
  JWT_DEVICES_VALIDATED_OPTIONS,
} from './jwt-devices.internal-constants.js';
import type { SigningKeys } from './options/key-policy.js';
import type { PermanentTokenKeys } from './options/permanent-token-keys.js';
import { resolveOptions } from './options/resolve-options.js';
import { type JwtDevicesModuleOptions } from './options/module-options.js';
import type { ResolvedJwtDevicesOptions, ValidatedJwtDevicesOptions } from './options/resolved-options.js';
import { optionWarnings } from './options/option-warnings.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';
import { UsersGateway } from './users.gateway.js';

/** Defaults of everything an app may replace through the `providers` option. */
export const overridableProviders: Provider[] = [
  { provide: JWT_PAYLOAD_HANDLER, useClass: DefaultJwtPayloadHandler },
  { provide: JWT_RESPONSE_PAYLOAD_HANDLER, useClass: DefaultJwtResponsePayloadHandler },
  { provide: DEVICE_DETAILS_HANDLER, useClass: DefaultDeviceDetailsHandler },
  { provide: JWT_USER_ID_READER, useClass: DefaultJwtUserIdReader },
  { provide: JWT_USERNAME_READER, useClass: DefaultJwtUsernameReader },
  { provide: JWT_DEVICES_CLOCK, useClass: SystemClock },
  { provide: SESSION_EVENTS_LISTENER, useClass: DefaultSessionEventsListener },
];

export const serviceProviders: Provider[] = [
  deviceRepositoryProvider,
  invalidationBusProvider,
  DeviceStore,
  DeviceTablesCheck,
  TokensService,
  SessionEventsEmitter,
  DevicesService,
  UsersGateway,
  SessionsService,
  AccessTokenAuthenticator,
  JwtDevicesStrategy,
  PermanentTokenStrategy,
];

/** The options, validated once; then split, so the signing keys reach the module's JwtService and the jwt-devices strategy only, and the permanent-token keys DevicesService only. */
export function resolvedOptionsProviders(source: 'forRoot' | 'forRootAsync'): Provider[] {
  return [
    {
      provide: JWT_DEVICES_VALIDATED_OPTIONS,
      useFactory: (raw: JwtDevicesModuleOptions): ValidatedJwtDevicesOptions => {
        const options = resolveOptions(raw, source);
        const logger = new Logger('JwtDevicesModule');
        for (const warning of optionWarnings(options)) logger.warn(warning);
        return options;
      },
      inject: [JWT_DEVICES_RAW_OPTIONS],
    },
    {
      provide: JWT_DEVICES_OPTIONS,
      useFactory: ({
        signingKey: _signingKey,
        verificationKey: _verificationKey,
        permanentTokenKeys: _permanentTokenKeys,
        ...options
      }: ValidatedJwtDevicesOptions): ResolvedJwtDevicesOptions => options,
      inject: [JWT_DEVICES_VALIDATED_OPTIONS],
    },
    {
      provide: JWT_DEVICES_SIGNING_KEYS,
      useFactory: ({ signingKey, verificationKey }: ValidatedJwtDevicesOptions): SigningKeys => ({ signingKey, verificationKey }),
      inject: [JWT_DEVICES_VALIDATED_OPTIONS],
    },
    {
      // A JwtService of the module's own under an internal token: an app's JwtService, if it has one, stays its own.
      provide: JWT_DEVICES_JWT_SERVICE,
      useFactory: (options: ResolvedJwtDevicesOptions, keys: SigningKeys) => accessTokenJwtService(options, keys),
      inject: [JWT_DEVICES_OPTIONS, JWT_DEVICES_SIGNING_KEYS],
    },
    {
      provide: JWT_DEVICES_PERMANENT_TOKEN_KEYS,
      useFactory: ({ permanentTokenKeys }: ValidatedJwtDevicesOptions): PermanentTokenKeys => permanentTokenKeys,
      inject: [JWT_DEVICES_VALIDATED_OPTIONS],
    },
  ];
}

/** The header rule in the global slot; a no-op when switched off, so async options can turn it off. */
export const headerRuleInterceptorProvider: Provider = {
  provide: APP_INTERCEPTOR,
  useFactory: (options: ResolvedJwtDevicesOptions, reflector: Reflector) =>
    options.headerRules && options.permanentTokenAuth ? new PermanentTokenHeaderInterceptor(reflector) : new NoopInterceptor(),
  inject: [JWT_DEVICES_OPTIONS, Reflector],
};
