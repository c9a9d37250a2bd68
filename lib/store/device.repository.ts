import type { FactoryProvider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Device } from '../device.entity.js';
import { entitiesMissingMessage } from '../errors/messages.js';
import { JWT_DEVICES_ENTITIES } from '../jwt-devices.entities.js';
import { DEVICE_REPOSITORY } from '../jwt-devices.internal-constants.js';
import { redactTokenHashesInQueryLog } from './query-log-redaction.js';

/** The Device repository, checked at boot so a missing entity fails there and says what to add. */
export const deviceRepositoryProvider: FactoryProvider = {
  provide: DEVICE_REPOSITORY,
  useFactory: (dataSource: DataSource) => {
    const missing = JWT_DEVICES_ENTITIES.filter((entity) => !dataSource.hasMetadata(entity)).map(({ name }) => name);
    if (missing.length > 0) throw new Error(entitiesMissingMessage(missing));
    redactTokenHashesInQueryLog(dataSource);
    return dataSource.getRepository(Device);
  },
  inject: [getDataSourceToken()],
};
