import { SetMetadata } from '@nestjs/common';
import { ALLOW_PERMANENT_TOKEN } from '../jwt-devices.internal-constants.js';

/** Exempts a route or controller from the rule that refuses the `Permanent-Token` header. */
export const AllowPermanentToken = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_PERMANENT_TOKEN, true);
