import { Controller, Get, Module, Request, UseGuards } from '@nestjs/common';
import { postgresLookups, sqliteLookups } from './lookups.js';
import { LOOKUPS, TwoLookupGuard } from './two-lookup.guard.js';

@Controller()
class RoutesController {
  @Get('public')
  public(): { ok: true } {
    return { ok: true };
  }

  @UseGuards(TwoLookupGuard)
  @Get('profile')
  profile(@Request() request: { user: unknown }): unknown {
    return request.user;
  }
}

/** MINIMAL_DATABASE_URL: `sqlite:PATH` or a postgres:// URL of a database the bench seeded. */
@Module({
  controllers: [RoutesController],
  providers: [
    TwoLookupGuard,
    {
      provide: LOOKUPS,
      useFactory: () => {
        const url = process.env.MINIMAL_DATABASE_URL ?? '';
        return url.startsWith('sqlite:') ? sqliteLookups(url.slice('sqlite:'.length)) : postgresLookups(url);
      },
    },
  ],
})
export class MinimalGuardModule {}
