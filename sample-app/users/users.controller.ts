import { Body, ConflictException, Controller, Delete, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { CurrentUser, JwtDevicesAuthGuard, JwtDevicesErrorsFilter } from '../../lib/index.js';
import { AccountService } from './account.service.js';
import { CreateUserDto } from './create-user.dto.js';
import { UsernameTakenError } from './username-taken.error.js';
import { UsersService, type SampleUser } from './users.service.js';

/** Where sign-up (`POST /users`) lives, which the sample app's throttling also limits. */
export const USERS_PATH = 'users';

// The module's answer to a database that is down, on every route here: 503 with Retry-After.
@Controller(USERS_PATH)
@UseFilters(JwtDevicesErrorsFilter)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly account: AccountService,
  ) {}

  @Post()
  async create(@Body() body: CreateUserDto): Promise<{ id: number; username: string }> {
    try {
      const { id, username } = await this.users.create(body);
      return { id, username };
    } catch (error: unknown) {
      if (error instanceof UsernameTakenError) throw new ConflictException(error.message);
      throw error;
    }
  }

  @Post('me/deactivate')
  @HttpCode(204)
  @UseGuards(JwtDevicesAuthGuard)
  async deactivate(@CurrentUser() user: SampleUser): Promise<void> {
    await this.account.deactivate(user.id);
  }

  @Delete('me')
  @HttpCode(204)
  @UseGuards(JwtDevicesAuthGuard)
  async delete(@CurrentUser() user: SampleUser): Promise<void> {
    await this.account.delete(user.id);
  }
}
