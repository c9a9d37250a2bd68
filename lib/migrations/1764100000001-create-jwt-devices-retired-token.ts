import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const TABLE = 'jwt_devices_retired_token';

/** Creates the table of rotated-away token hashes, for reuse detection of a device's older tokens. */
export class CreateJwtDevicesRetiredToken1764100000001 implements MigrationInterface {
  name = 'CreateJwtDevicesRetiredToken1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    await queryRunner.createTable(
      new Table({
        name: TABLE,
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'device_id', type: driver.normalizeType({ type: Number }) },
          { name: 'retired_at', type: driver.normalizeType({ type: Date }), precision: 3 },
        ],
      }),
    );
    await queryRunner.createIndices(TABLE, [
      new TableIndex({ name: 'IDX_jwt_devices_retired_token_device_id', columnNames: ['device_id'] }),
      new TableIndex({ name: 'IDX_jwt_devices_retired_token_retired_at', columnNames: ['retired_at'] }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE);
  }
}
