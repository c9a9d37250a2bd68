import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesConfigError } from './errors/jwt-devices.error.js';
import { controllersFor } from './http/controllers.js';
import {
  DEVICE_DETAILS_HANDLER,
  JWT_DEVICES_CLOCK,
  JWT_PAYLOAD_HANDLER,
  JWT_RESPONSE_PAYLOAD_HANDLER,
  JWT_USER_ID_READER,
  JWT_USERNAME_READER,
  SESSION_EVENTS_LISTENER,
} from './jwt-devices.constants.js';
import { JWT_DEVICES_OPTIONS, JWT_DEVICES_RAW_OPTIONS } from './jwt-devices.internal-constants.js';
import { checkStaticOptions } from './options/static-options.js';
import { type JwtDevicesModuleAsyncOptions, type JwtDevicesModuleOptions, type JwtDevicesOptionsFactory, type JwtDevicesStaticOptions } from './options/module-options.js';
import {
  headerRuleInterceptorProvider,
  overridableProviders,
  resolvedOptionsProviders,
  serviceProviders,
} from './jwt-devices.providers.js';
import { JWT_DEVICES_ENTITIES } from './jwt-devices.entities.js';
import { DevicesService } from './devices.service.js';
import { JwtDevicesStrategy } from './auth/jwt-devices.strategy.js';
import { PermanentTokenStrategy } from './auth/permanent-token.strategy.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';

const EXPORTED = [
  JWT_DEVICES_OPTIONS,
  JWT_PAYLOAD_HANDLER,
  JWT_RESPONSE_PAYLOAD_HANDLER,
  DEVICE_DETAILS_HANDLER,
  JWT_USER_ID_READER,
  JWT_USERNAME_READER,
  JWT_DEVICES_CLOCK,
  SESSION_EVENTS_LISTENER,
  DevicesService,
  TokensService,
  SessionsService,
  // Injected by the guards, which apps instantiate in their own modules.
  JwtDevicesStrategy,
  PermanentTokenStrategy,
];

/** Per-device logins for Nest: `forRoot(options)` or `forRootAsync({ useFactory | useClass | useExisting })`. */
@Module({})
export class JwtDevicesModule {
  static forRoot(options: JwtDevicesModuleOptions): DynamicModule {
    const statics = checked(options);
    return build([], { provide: JWT_DEVICES_RAW_OPTIONS, useValue: options }, statics, 'forRoot');
  }

  static forRootAsync(options: JwtDevicesModuleAsyncOptions): DynamicModule {
    const statics = checked(options);
    const { useFactory, useClass, useExisting, inject = [], imports = [] } = options;
    const sources = [useFactory, useClass, useExisting].filter((source) => source !== undefined);
    if (sources.length !== 1) {
      throw new JwtDevicesConfigError(['forRootAsync: give exactly one of useFactory, useClass or useExisting']);
    }
    const providers: Provider[] = [];
    if (useFactory) {
      providers.push({ provide: JWT_DEVICES_RAW_OPTIONS, useFactory, inject });
    } else {
      const factoryClass = (useClass ?? useExisting)!;
      if (useClass) providers.push({ provide: useClass, useClass });
      providers.push({
        provide: JWT_DEVICES_RAW_OPTIONS,
        useFactory: (factory: JwtDevicesOptionsFactory) => factory.createJwtDevicesOptions(),
        inject: [factoryClass],
      });
    }
    return build(imports, providers, statics, 'forRootAsync');
  }
}

function checked(options: JwtDevicesStaticOptions | undefined): JwtDevicesStaticOptions {
  const problems = checkStaticOptions(options);
  if (problems.length > 0) throw new JwtDevicesConfigError(problems);
  return options!;
}

function build(
  imports: DynamicModule['imports'] & object,
  rawOptions: Provider | Provider[],
  { routes, providers = [], isGlobal = true }: JwtDevicesStaticOptions,
  source: 'forRoot' | 'forRootAsync',
): DynamicModule {
  return {
    module: JwtDevicesModule,
    // Global by default, so `@UseGuards(JwtDevicesAuthGuard)` resolves its dependencies in any module of the app.
    global: isGlobal,
    imports: [...imports, PassportModule, TypeOrmModule.forFeature(JWT_DEVICES_ENTITIES)],
    controllers: controllersFor(routes),
    providers: [
      ...[rawOptions].flat(),
      ...resolvedOptionsProviders(source),
      ...overridableProviders,
      // Last, so an app's replacement wins over the default of the same token.
      ...providers,
      ...serviceProviders,
      headerRuleInterceptorProvider,
    ],
    exports: [...EXPORTED, TypeOrmModule],
  };
}
