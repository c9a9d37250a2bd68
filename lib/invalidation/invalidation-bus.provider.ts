import type { Provider } from '@nestjs/common';
import type * as IoRedis from 'ioredis';
import { packageRequire } from '#package-require';
import type { Repository } from 'typeorm';
import type { Device } from '../device.entity.js';
import { JwtDevicesConfigError } from '../errors/jwt-devices.error.js';
import { DEVICE_REPOSITORY, JWT_DEVICES_INVALIDATION_BUS, JWT_DEVICES_OPTIONS } from '../jwt-devices.internal-constants.js';
import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import { loadOptionalPackage } from '../platform/optional-package.js';
import type { DeviceInvalidationBus } from './device-invalidation-bus.js';
import { PostgresInvalidationBus } from './postgres-invalidation-bus.js';
import { RedisInvalidationBus } from './redis-invalidation-bus.js';

const IOREDIS_PACKAGE = 'ioredis';

/** The bus the `invalidation` option names, or null when there is none (each process's cache then lives on its TTL alone). */
export const invalidationBusProvider: Provider = {
  provide: JWT_DEVICES_INVALIDATION_BUS,
  useFactory: ({ invalidation }: ResolvedJwtDevicesOptions, devices: Repository<Device>): DeviceInvalidationBus | null => {
    if (!invalidation) return null;
    if ('bus' in invalidation) return invalidation.bus;
    if ('postgres' in invalidation) {
      const dataSource = devices.manager.connection;
      if (dataSource.options.type !== 'postgres') {
        throw new JwtDevicesConfigError([`invalidation.postgres: needs the Device table on PostgreSQL (the DataSource is ${dataSource.options.type})`]);
      }
      return new PostgresInvalidationBus(dataSource, invalidation.postgres === true ? undefined : invalidation.postgres.channel);
    }
    const ioredis = loadOptionalPackage(IOREDIS_PACKAGE, () => packageRequire(IOREDIS_PACKAGE) as typeof IoRedis);
    if (!ioredis) throw new JwtDevicesConfigError(['invalidation.redis: needs the ioredis package (npm install ioredis@^5)']);
    return new RedisInvalidationBus(ioredis.Redis, invalidation.redis);
  },
  inject: [JWT_DEVICES_OPTIONS, DEVICE_REPOSITORY],
};
