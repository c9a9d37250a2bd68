import type { MigrationInterface, QueryRunner } from 'typeorm';
import { USER_ID_LENGTH } from '../device.entity.js';

const SHA256_HEX_LENGTH = 64;

/** Every string column the module looks rows up by, as the earlier migrations created it. */
const KEY_COLUMNS = [
  { table: 'jwt_devices_device', column: 'user_id', length: USER_ID_LENGTH, nullable: false },
  { table: 'jwt_devices_device', column: 'permanent_token_hash', length: SHA256_HEX_LENGTH, nullable: false },
  { table: 'jwt_devices_device', column: 'previous_token_hash', length: SHA256_HEX_LENGTH, nullable: true },
  { table: 'jwt_devices_retired_token', column: 'token_hash', length: SHA256_HEX_LENGTH, nullable: false },
];

/** Binary and NO PAD, so 'alice ' differs from 'alice': MySQL 8 spells it the first way, MariaDB the second. */
const NO_PAD_BINARY_COLLATIONS = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'];
/** Older servers have only this PAD SPACE one; DevicesService compares user ids exactly in any case. */
const PAD_SPACE_BINARY_COLLATION = 'utf8mb4_bin';

/**
 * On MySQL and MariaDB, gives the user id and token hash columns a binary collation, so they
 * compare byte for byte as they already do on SQLite (BINARY) and PostgreSQL (deterministic
 * collations), where this migration does nothing. A table's `_ci` default, such as the
 * `utf8mb4_unicode_ci` the README recommends, held 'alice', 'Alice', 'alicé' and 'alice ' equal.
 */
export class ExactJwtDevicesKeys1764100000002 implements MigrationInterface {
  name = 'ExactJwtDevicesKeys1764100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isMysqlFamily(queryRunner)) return;
    const collation = await binaryCollation(queryRunner);
    await modifyKeyColumns(queryRunner, ` CHARACTER SET utf8mb4 COLLATE ${collation}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isMysqlFamily(queryRunner)) return;
    // With no character set or collation, a column takes its table's default again.
    await modifyKeyColumns(queryRunner, '');
  }
}

function isMysqlFamily(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.driver.options.type;
  return type === 'mysql' || type === 'mariadb';
}

async function binaryCollation(queryRunner: QueryRunner): Promise<string> {
  const rows: Array<{ name: string }> = await queryRunner.query(
    'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?, ?)',
    NO_PAD_BINARY_COLLATIONS,
  );
  const available = new Set(rows.map(({ name }) => name));
  return NO_PAD_BINARY_COLLATIONS.find((name) => available.has(name)) ?? PAD_SPACE_BINARY_COLLATION;
}

async function modifyKeyColumns(queryRunner: QueryRunner, charsetAndCollation: string): Promise<void> {
  const escape = (name: string) => queryRunner.connection.driver.escape(name);
  for (const table of new Set(KEY_COLUMNS.map((key) => key.table))) {
    const changes = KEY_COLUMNS.filter((key) => key.table === table).map(
      ({ column, length, nullable }) => `MODIFY ${escape(column)} varchar(${length})${charsetAndCollation} ${nullable ? 'NULL' : 'NOT NULL'}`,
    );
    await queryRunner.query(`ALTER TABLE ${escape(table)} ${changes.join(', ')}`);
  }
}
