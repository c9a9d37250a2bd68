import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtDevicesModule } from '../../lib/index.js';
import { databaseOptionsFromUrl } from '../../sample-app/config/database-options.js';
import { BENCH_PASSWORD, BENCH_USERS } from './bench-credentials.js';
import { InMemoryUsers } from './in-memory-users.js';
import { ProfileController } from './profile.controller.js';
import { PublicController } from './public.controller.js';

export interface BenchAppConfig {
  sqlitePath: string;
  secret: string;
  deviceCacheTtlSeconds: number;
  /** Push invalidation over this Redis, when set. */
  redisUrl?: string;
}

/** The module wired as the sample app wires it, with users in memory instead of a table and scrypt. */
@Module({})
export class BenchAppModule {
  static forRoot(config: BenchAppConfig): DynamicModule {
    return {
      module: BenchAppModule,
      imports: [
        // The sample app's SQLite settings (WAL, synchronous NORMAL), so both apps measure the same store.
        TypeOrmModule.forRoot({ ...databaseOptionsFromUrl(`sqlite:${config.sqlitePath}`), autoLoadEntities: true, synchronize: true }),
        JwtDevicesModule.forRoot({
          secret: config.secret,
          // Longer than any run, so no token expires mid-measurement.
          accessTokenTtl: 3600,
          deviceCacheTtl: config.deviceCacheTtlSeconds,
          ...(config.redisUrl ? { invalidation: { redis: { url: config.redisUrl } } } : {}),
          userService: new InMemoryUsers(Object.values(BENCH_USERS), BENCH_PASSWORD),
        }),
      ],
      controllers: [PublicController, ProfileController],
    };
  }
}
