import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesModule, RequestBodyErrorsFilter } from '../lib/index.js';
import { databaseOptionsFromUrl } from './config/database-options.js';
import type { AppConfig, SampleAppEnv } from './config/env.schema.js';
import { jwtDevicesOptions, jwtDevicesRoutes } from './config/jwt-devices-options.js';
import { DevicesPageController } from './devices-page.controller.js';
import { ExpiredDevicesPurger } from './expired-devices-purger.js';
import { ProfileController } from './profile.controller.js';
import { PublicController } from './public.controller.js';
import { AuthThrottlingModule } from './throttling/auth-throttling.module.js';
import { throttledRoutes } from './throttling/throttled-routes.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';

/** The sample app, wired from an environment parsed by envSchema (see config/env.schema.ts). */
@Module({})
export class AppModule {
  static forRoot(env: SampleAppEnv): DynamicModule {
    // The routes and the rate limits shape the module tree, so they are read here rather than from ConfigService.
    const routes = jwtDevicesRoutes(env);
    return {
      module: AppModule,
      imports: [
        // `env` is already parsed; ConfigService serves it and never falls back to process.env, so in-process apps stay apart.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => env] }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: AppConfig) => ({ ...databaseOptionsFromUrl(config.get('DATABASE_URL', { infer: true })), autoLoadEntities: true, synchronize: true }),
        }),
        UsersModule,
        JwtDevicesModule.forRootAsync({
          imports: [UsersModule],
          inject: [ConfigService, UsersService],
          useFactory: (config: AppConfig, users: UsersService) => ({ ...jwtDevicesOptions(config), userService: users }),
          routes,
        }),
        AuthThrottlingModule.forRoot(
          { limit: env.THROTTLE_LIMIT, ttlSeconds: env.THROTTLE_TTL },
          throttledRoutes(routes, env.JWT_DEVICES_USERNAME_FIELD),
        ),
      ],
      controllers: [PublicController, ProfileController, DevicesPageController],
      providers: [{ provide: APP_FILTER, useClass: RequestBodyErrorsFilter }, ExpiredDevicesPurger],
    };
  }
}
