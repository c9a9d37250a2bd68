import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/env.schema.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountService } from './account.service.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [UsersController],
  providers: [
    UsersService,
    AccountService,
    { provide: PasswordHasher, inject: [ConfigService], useFactory: (config: AppConfig) => new PasswordHasher(config.get('PASSWORD_HASH_COST', { infer: true })) },
  ],
  exports: [UsersService],
})
export class UsersModule {}
