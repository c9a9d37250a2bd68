import { CreateJwtDevicesDevice1764100000000 } from './1764100000000-create-jwt-devices-device.js';
import { CreateJwtDevicesRetiredToken1764100000001 } from './1764100000001-create-jwt-devices-retired-token.js';
import { ExactJwtDevicesKeys1764100000002 } from './1764100000002-exact-jwt-devices-keys.js';
import { ConstantSpaceRotation1764100000003 } from './1764100000003-constant-space-rotation.js';
import { AddJwtDevicesClientAddress1764100000004 } from './1764100000004-add-jwt-devices-client-address.js';

export {
  CreateJwtDevicesDevice1764100000000,
  CreateJwtDevicesRetiredToken1764100000001,
  ExactJwtDevicesKeys1764100000002,
  ConstantSpaceRotation1764100000003,
  AddJwtDevicesClientAddress1764100000004,
};

/** The module's migrations, in order: add them to your DataSource's `migrations`. */
export const JWT_DEVICES_MIGRATIONS = [
  CreateJwtDevicesDevice1764100000000,
  CreateJwtDevicesRetiredToken1764100000001,
  ExactJwtDevicesKeys1764100000002,
  ConstantSpaceRotation1764100000003,
  AddJwtDevicesClientAddress1764100000004,
];
