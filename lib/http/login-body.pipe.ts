import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { validateBody } from './body-validation.js';
import { LoginDto, type LoginCredentials } from './login.dto.js';

/** Validates a login body whose user field is named by `usernameField`. */
@Injectable()
export class LoginBodyPipe implements PipeTransform<unknown, Promise<LoginCredentials>> {
  constructor(@Inject(JWT_DEVICES_OPTIONS) private readonly options: ResolvedJwtDevicesOptions) {}

  transform(body: unknown): Promise<LoginCredentials> {
    return validateBody(LoginDto, body, { username: this.options.usernameField, password: 'password' });
  }
}
