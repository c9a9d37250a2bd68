import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CLIENT_ADDRESS_LENGTH } from '../device.entity.js';

const TABLE = 'jwt_devices_device';
const COLUMNS = ['login_address', 'last_address'];

/** Adds the client addresses that `storeClientAddress` keeps: null for every existing device. */
export class AddJwtDevicesClientAddress1764100000004 implements MigrationInterface {
  name = 'AddJwtDevicesClientAddress1764100000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns(
      TABLE,
      COLUMNS.map((name) => new TableColumn({ name, type: 'varchar', length: String(CLIENT_ADDRESS_LENGTH), isNullable: true })),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns(TABLE, [...COLUMNS].reverse());
  }
}
