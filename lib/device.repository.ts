import type { FactoryProvider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Device } from './device.entity.js';
import { DEVICE_REPOSITORY } from './jwt-devices.internal-constants.js';
import { redactTokenHashesInQueryLog } from './query-log-redaction.js';

export const DEVICE_ENTITY_MISSING_MESSAGE =
  'JwtDevicesModule: the Device entity is not registered with TypeORM. ' +
  'Add `autoLoadEntities: true` to TypeOrmModule.forRoot(), or add `Device` (from nestjs-jwt-devices) to its `entities`.';

/** The Device repository, checked at boot so a missing entity fails there and says what to add. */
export const deviceRepositoryProvider: FactoryProvider = {
  provide: DEVICE_REPOSITORY,
  useFactory: (dataSource: DataSource) => {
    if (!dataSource.hasMetadata(Device)) throw new Error(DEVICE_ENTITY_MISSING_MESSAGE);
    redactTokenHashesInQueryLog(dataSource);
    return dataSource.getRepository(Device);
  },
  inject: [getDataSourceToken()],
};
