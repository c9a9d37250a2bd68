import { SetMetadata } from '@nestjs/common';
import { ALLOW_ANONYMOUS } from '../jwt-devices.internal-constants.js';

/** Exempts a route or controller from `JwtDevicesAuthGuard`, for apps that register it globally (`APP_GUARD`). */
export const AllowAnonymous = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_ANONYMOUS, true);
