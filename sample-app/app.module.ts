import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesModule, RequestBodyErrorsFilter } from '../lib/index.js';
import { SAMPLE_APP_CONFIG } from './app.constants.js';
import type { JwtDevicesEnvOptions, SampleAppConfig } from './config.js';
import { ExpiredDevicesPurger } from './expired-devices-purger.js';
import { ProfileController } from './profile.controller.js';
import { PublicController } from './public.controller.js';
import { AuthThrottlingModule } from './throttling/auth-throttling.module.js';
import { throttledRoutes } from './throttling/throttled-routes.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';

/** The sample app, wired from a loaded configuration (see config.ts). */
@Module({})
export class AppModule {
  static forRoot(config: SampleAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The environment was read and checked once by loadConfig(env); ConfigService serves the result.
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ jwtDevices: config.jwtDevices, passwordHashCost: config.passwordHashCost })] }),
        TypeOrmModule.forRoot({ ...config.database, autoLoadEntities: true, synchronize: true }),
        UsersModule,
        JwtDevicesModule.forRootAsync({
          imports: [ConfigModule, UsersModule],
          inject: [ConfigService, UsersService],
          useFactory: (settings: ConfigService, users: UsersService) => ({
            ...settings.getOrThrow<JwtDevicesEnvOptions>('jwtDevices'),
            userService: users,
          }),
          routes: config.routes,
        }),
        AuthThrottlingModule.forRoot(config.throttle, throttledRoutes(config.routes, config.jwtDevices.usernameField)),
      ],
      controllers: [PublicController, ProfileController],
      providers: [
        { provide: SAMPLE_APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: RequestBodyErrorsFilter },
        ExpiredDevicesPurger,
      ],
    };
  }
}
