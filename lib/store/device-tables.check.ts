import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import type { Device } from '../device.entity.js';
import { deviceTablesMissingMessage } from '../errors/messages.js';
import { JWT_DEVICES_ENTITIES } from '../jwt-devices.entities.js';
import { DEVICE_REPOSITORY } from '../jwt-devices.internal-constants.js';

/**
 * At boot: fails when the device tables do not exist (no migrations run, no synchronize), naming
 * the migrations, rather than letting the first login answer 503. A database that cannot answer
 * the check is not a missing table: the app boots, as it would without the check.
 */
@Injectable()
export class DeviceTablesCheck implements OnModuleInit {
  private readonly logger = new Logger('JwtDevicesModule');

  constructor(@Inject(DEVICE_REPOSITORY) private readonly devices: Repository<Device>) {}

  async onModuleInit(): Promise<void> {
    let missing: string[];
    try {
      missing = await missingTables(this.devices.manager.connection);
    } catch (error) {
      this.logger.warn(`Could not check the device tables at boot (${error instanceof Error ? error.name : typeof error}); checking on first use`);
      return;
    }
    if (missing.length > 0) throw new Error(deviceTablesMissingMessage(missing));
  }
}

async function missingTables(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const missing: string[] = [];
    for (const entity of JWT_DEVICES_ENTITIES) {
      const { tablePath, tableName } = dataSource.getMetadata(entity);
      if (!(await runner.hasTable(tablePath))) missing.push(tableName);
    }
    return missing;
  } finally {
    await runner.release();
  }
}
