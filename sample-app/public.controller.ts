import { Controller, Get } from '@nestjs/common';

/** A route without authentication, to compare guarded routes against. */
@Controller('public')
export class PublicController {
  @Get()
  get(): { ok: true } {
    return { ok: true };
  }
}
