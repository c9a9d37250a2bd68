import { Device } from './device.entity.js';
import { RetiredToken } from './retired-token.entity.js';

/** The module's TypeORM entities, for apps that list `entities` instead of using `autoLoadEntities`. */
export const JWT_DEVICES_ENTITIES = [Device, RetiredToken];
