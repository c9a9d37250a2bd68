import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DEVICE_DETAILS_LENGTH, DEVICE_NAME_LENGTH, USER_ID_LENGTH } from '../device.entity.js';

const TABLE = 'jwt_devices_device';

/**
 * Creates the Device table and its indexes. Written against TypeORM's schema API, so one
 * migration yields the right DDL on SQLite, PostgreSQL and MySQL/MariaDB alike.
 */
export class CreateJwtDevicesDevice1764100000000 implements MigrationInterface {
  name = 'CreateJwtDevicesDevice1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const timestamp = driver.normalizeType({ type: Date });
    const integer = driver.normalizeType({ type: Number });
    await queryRunner.createTable(
      new Table({
        name: TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'user_id', type: 'varchar', length: String(USER_ID_LENGTH) },
          { name: 'permanent_token_hash', type: 'varchar', length: '64' },
          { name: 'previous_token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'rotated_at', type: timestamp, precision: 3, isNullable: true },
          { name: 'name', type: 'varchar', length: String(DEVICE_NAME_LENGTH) },
          { name: 'details', type: 'varchar', length: String(DEVICE_DETAILS_LENGTH) },
          { name: 'created', type: timestamp, precision: 3 },
          { name: 'last_request_datetime', type: timestamp, precision: 3 },
        ],
      }),
    );
    await queryRunner.createIndices(TABLE, [
      new TableIndex({ name: 'IDX_jwt_devices_device_user_id', columnNames: ['user_id'] }),
      new TableIndex({ name: 'UQ_jwt_devices_device_permanent_token_hash', columnNames: ['permanent_token_hash'], isUnique: true }),
      new TableIndex({ name: 'IDX_jwt_devices_device_previous_token_hash', columnNames: ['previous_token_hash'] }),
      new TableIndex({ name: 'IDX_jwt_devices_device_last_request_datetime', columnNames: ['last_request_datetime'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE);
  }
}
