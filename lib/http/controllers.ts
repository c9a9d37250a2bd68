import { Controller, type Type } from '@nestjs/common';
import type { JwtDevicesRoutesOptions } from '../options/module-options.js';
import { DevicesController } from './devices.controller.js';
import { LoginController } from './auth-token.controller.js';
// Describes the routes to @nestjs/swagger when the app has it installed.
import './openapi.js';
import { TokenRefreshController } from './auth-token-refresh.controller.js';

const CONTROLLERS = [LoginController, DevicesController, TokenRefreshController];

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
