import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountService } from './account.service.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User]), ConfigModule],
  controllers: [UsersController],
  providers: [
    UsersService,
    AccountService,
    // The cost was read and checked with the rest of the environment by loadConfig(env).
    { provide: PasswordHasher, inject: [ConfigService], useFactory: (config: ConfigService) => new PasswordHasher(config.getOrThrow<number>('passwordHashCost')) },
  ],
  exports: [UsersService],
})
export class UsersModule {}
