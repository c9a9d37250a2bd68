import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from './jwt.strategy.js';
import { ProfileController } from './profile.controller.js';
import { PublicController } from './public.controller.js';

/** The baseline: the NestJS docs' JWT recipe, with no device table and no user lookup. */
@Module({
  imports: [PassportModule],
  controllers: [PublicController, ProfileController],
  providers: [JwtStrategy],
})
export class AppModule {}
