import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { seconds, ThrottlerModule } from '@nestjs/throttler';
import { AuthThrottlerGuard, IP_THROTTLER, THROTTLED_ROUTES, USERNAME_THROTTLER } from './auth-throttler.guard.js';
import type { ThrottledRoutes } from './throttled-routes.js';

export interface ThrottleConfig {
  /** Requests per window per client (IP, and for login also per username); 0 = no rate limits. */
  limit: number;
  ttlSeconds: number;
}

/** Rate limits on login, device refresh and sign-up; an empty module when throttling is off. */
@Module({})
export class AuthThrottlingModule {
  static forRoot(throttle: ThrottleConfig, routes: ThrottledRoutes): DynamicModule {
    if (throttle.limit === 0) return { module: AuthThrottlingModule };
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
