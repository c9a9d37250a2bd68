import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { seconds, ThrottlerModule } from '@nestjs/throttler';
import type { ThrottleConfig } from '../config.js';
import { AuthThrottlerGuard, IP_THROTTLER, THROTTLED_ROUTES, USERNAME_THROTTLER } from './auth-throttler.guard.js';
import type { ThrottledRoutes } from './throttled-routes.js';

/** Rate limits on login, device refresh and sign-up; an empty module when throttling is off. */
@Module({})
export class AuthThrottlingModule {
  static forRoot(throttle: ThrottleConfig | null, routes: ThrottledRoutes): DynamicModule {
    if (throttle === null) return { module: AuthThrottlingModule };
    const window = { limit: throttle.limit, ttl: seconds(throttle.ttlSeconds) };
    return {
      module: AuthThrottlingModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [
            { name: IP_THROTTLER, ...window },
            { name: USERNAME_THROTTLER, ...window },
          ],
        }),
      ],
      providers: [
        { provide: THROTTLED_ROUTES, useValue: routes },
        { provide: APP_GUARD, useClass: AuthThrottlerGuard },
      ],
    };
  }
}
