import { Controller, type Type } from '@nestjs/common';
import type { JwtDevicesRoutesOptions } from '../options/module-options.js';
import { AuthTokenController } from './auth-token.controller.js';
import { AuthTokenRefreshController } from './auth-token-refresh.controller.js';
import { AuthTokenVerifyController } from './auth-token-verify.controller.js';
import { DeviceRefreshTokenController } from './device-refresh-token.controller.js';
import { DevicesController } from './devices.controller.js';
// Describes the routes to @nestjs/swagger when the app has it installed.
import './openapi.js';

const CONTROLLERS = [AuthTokenController, DeviceRefreshTokenController, DevicesController, AuthTokenRefreshController, AuthTokenVerifyController];

/** The built-in controllers under a prefix; subclasses, so apps with different prefixes never share one class. */
export function controllersFor(routes: JwtDevicesRoutesOptions | false | undefined): Type[] {
  if (routes === false) return [];
  const prefix = (routes?.prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix === '') return CONTROLLERS;
  return CONTROLLERS.map((base) => {
    const prefixed = class extends base {};
    Object.defineProperty(prefixed, 'name', { value: base.name });
    Controller(prefix)(prefixed);
    return prefixed;
  });
}
