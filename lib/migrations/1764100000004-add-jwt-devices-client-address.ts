import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CLIENT_ADDRESS_LENGTH } from '../device.entity.js';

const TABLE = 'jwt_devices_device';
const COLUMNS = ['login_address', 'last_address'];

/**
 * Adds the client addresses that `storeClientAddress` keeps: null for every existing device.
 * Plain ALTER TABLE on every database: a nullable column needs no table rebuild, even on SQLite, and
 * TypeORM's addColumns would rebuild the SQLite table from its cached copy of it, which the raw
 * statements of ConstantSpaceRotation1764100000003 (run on the same query runner) left stale.
 */
export class AddJwtDevicesClientAddress1764100000004 implements MigrationInterface {
  name = 'AddJwtDevicesClientAddress1764100000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { driver } = queryRunner.connection;
    // SQLite spells it ADD COLUMN; the others take both, and TypeORM writes ADD.
    const add = String(driver.options.type).includes('sqlite') ? 'ADD COLUMN' : 'ADD';
    const escape = (name: string) => driver.escape(name);
    for (const column of COLUMNS) {
      await queryRunner.query(`ALTER TABLE ${escape(TABLE)} ${add} ${escape(column)} varchar(${CLIENT_ADDRESS_LENGTH}) NULL`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const escape = (name: string) => queryRunner.connection.driver.escape(name);
    for (const column of [...COLUMNS].reverse()) await queryRunner.query(`ALTER TABLE ${escape(TABLE)} DROP COLUMN ${escape(column)}`);
  }
}

