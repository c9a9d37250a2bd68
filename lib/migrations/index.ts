import { CreateJwtDevicesDevice1764100000000 } from './1764100000000-create-jwt-devices-device.js';

export { CreateJwtDevicesDevice1764100000000 };

/** The module's migrations, in order: add them to your DataSource's `migrations`. */
export const JWT_DEVICES_MIGRATIONS = [CreateJwtDevicesDevice1764100000000];
