import { Controller, Get } from '@nestjs/common';

@Controller('public')
export class PublicController {
  @Get()
  get(): { ok: true } {
    return { ok: true };
  }
}
