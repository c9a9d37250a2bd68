import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DEVICE_DETAILS_LENGTH, DEVICE_NAME_LENGTH, USER_ID_LENGTH } from '../device.entity.js';

const DEVICE = 'jwt_devices_device';
const RETIRED = 'jwt_devices_retired_token';
const DEVICE_TIMES = ['created', 'last_request_datetime', 'rotated_at'];
const RETIRED_TIMES = ['retired_at'];
const BATCH = 1000;
const IANA_ZONE = /^[A-Za-z0-9_+\-/]+$/;

/**
 * Version 2 permanent tokens and times as instants.
 * - The device keeps one hash of its current token (`token_hash`, unindexed: a version 2 token names its
 *   device) and a rotation `generation`; `permanent_token_hash` becomes `legacy_token_hash`, which still
 *   finds tokens issued before this version and those imported from drf-jwt-devices, and
 *   `previous_token_hash` goes (the retired-token table, which gets no new rows, remembers those tokens).
 * - Every time becomes integer epoch milliseconds. Existing times were written as the writing process's
 *   local wall time on PostgreSQL (`timestamp without time zone`) and MySQL/MariaDB (DATETIME, the
 *   driver's default time zone), as UTC text on SQLite: run this migration with the `TZ` (and the
 *   DataSource `timezone` option) the app ran with, or the converted times shift by the difference.
 */
export class ConstantSpaceRotation1764100000003 implements MigrationInterface {
  name = 'ConstantSpaceRotation1764100000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.options.type;
    if (type === 'postgres') await postgresUp(queryRunner);
    else if (type === 'mysql' || type === 'mariadb') await mysqlUp(queryRunner);
    else await sqliteUp(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.options.type;
    if (type === 'postgres') await postgresDown(queryRunner);
    else if (type === 'mysql' || type === 'mariadb') await mysqlDown(queryRunner);
    else await sqliteDown(queryRunner);
  }
}

/** The IANA zone this process runs in: the one its local wall times were written in. */
function processZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!IANA_ZONE.test(zone)) throw new Error(`cannot convert stored times: unexpected time zone name ${JSON.stringify(zone)}`);
  return zone;
}

async function postgresUp(queryRunner: QueryRunner): Promise<void> {
  const zone = processZone();
  const toMillis = (column: string) => `"${column}" TYPE bigint USING ROUND(EXTRACT(EPOCH FROM ("${column}" AT TIME ZONE '${zone}')) * 1000)::bigint`;
  await queryRunner.query(`DROP INDEX "IDX_jwt_devices_device_previous_token_hash"`);
  await queryRunner.query(
    `ALTER TABLE "${DEVICE}" DROP COLUMN "previous_token_hash", ` +
      `ADD "token_hash" varchar(64), ADD "generation" integer NOT NULL DEFAULT 0, ` +
      `ALTER COLUMN "permanent_token_hash" DROP NOT NULL, ` +
      DEVICE_TIMES.map((column) => `ALTER COLUMN ${toMillis(column)}`).join(', '),
  );
  await queryRunner.query(`ALTER TABLE "${DEVICE}" RENAME COLUMN "permanent_token_hash" TO "legacy_token_hash"`);
  await queryRunner.query(`ALTER INDEX "UQ_jwt_devices_device_permanent_token_hash" RENAME TO "UQ_jwt_devices_device_legacy_token_hash"`);
  await queryRunner.query(`ALTER TABLE "${RETIRED}" ALTER COLUMN ${toMillis('retired_at')}`);
}

async function postgresDown(queryRunner: QueryRunner): Promise<void> {
  const zone = processZone();
  const toTimestamp = (column: string) =>
    `"${column}" TYPE timestamp(3) without time zone USING (to_timestamp("${column}" / 1000.0) AT TIME ZONE '${zone}')`;
  await queryRunner.query(`ALTER INDEX "UQ_jwt_devices_device_legacy_token_hash" RENAME TO "UQ_jwt_devices_device_permanent_token_hash"`);
  await queryRunner.query(`ALTER TABLE "${DEVICE}" RENAME COLUMN "legacy_token_hash" TO "permanent_token_hash"`);
  // The old code finds a device by the hash of its current token, whichever format that token has.
  await queryRunner.query(`UPDATE "${DEVICE}" SET "permanent_token_hash" = "token_hash" WHERE "generation" > 0 OR "permanent_token_hash" IS NULL`);
  await queryRunner.query(
    `ALTER TABLE "${DEVICE}" DROP COLUMN "token_hash", DROP COLUMN "generation", ADD "previous_token_hash" varchar(64), ` +
      `ALTER COLUMN "permanent_token_hash" SET NOT NULL, ` +
      DEVICE_TIMES.map((column) => `ALTER COLUMN ${toTimestamp(column)}`).join(', '),
  );
  await queryRunner.query(`CREATE INDEX "IDX_jwt_devices_device_previous_token_hash" ON "${DEVICE}" ("previous_token_hash")`);
  await queryRunner.query(`ALTER TABLE "${RETIRED}" ALTER COLUMN ${toTimestamp('retired_at')}`);
}

async function mysqlUp(queryRunner: QueryRunner): Promise<void> {
  const collation = await columnCollation(queryRunner, DEVICE, 'permanent_token_hash');
  await queryRunner.query(
    `ALTER TABLE \`${DEVICE}\` DROP INDEX \`IDX_jwt_devices_device_previous_token_hash\`, DROP COLUMN \`previous_token_hash\`, ` +
      `ADD \`token_hash\` varchar(64)${collation} NULL, ADD \`generation\` int NOT NULL DEFAULT 0, ` +
      `CHANGE \`permanent_token_hash\` \`legacy_token_hash\` varchar(64)${collation} NULL, ` +
      `RENAME INDEX \`UQ_jwt_devices_device_permanent_token_hash\` TO \`UQ_jwt_devices_device_legacy_token_hash\``,
  );
  await convertMysqlTimes(queryRunner, DEVICE, DEVICE_TIMES, 'id', 'bigint', (value) => (value instanceof Date ? value.getTime() : value));
  await convertMysqlTimes(queryRunner, RETIRED, RETIRED_TIMES, 'token_hash', 'bigint', (value) => (value instanceof Date ? value.getTime() : value));
}

async function mysqlDown(queryRunner: QueryRunner): Promise<void> {
  const collation = await columnCollation(queryRunner, DEVICE, 'legacy_token_hash');
  await queryRunner.query(`UPDATE \`${DEVICE}\` SET \`legacy_token_hash\` = \`token_hash\` WHERE \`generation\` > 0 OR \`legacy_token_hash\` IS NULL`);
  await queryRunner.query(
    `ALTER TABLE \`${DEVICE}\` DROP COLUMN \`token_hash\`, DROP COLUMN \`generation\`, ` +
      `ADD \`previous_token_hash\` varchar(64)${collation} NULL, ADD INDEX \`IDX_jwt_devices_device_previous_token_hash\` (\`previous_token_hash\`), ` +
      `CHANGE \`legacy_token_hash\` \`permanent_token_hash\` varchar(64)${collation} NOT NULL, ` +
      `RENAME INDEX \`UQ_jwt_devices_device_legacy_token_hash\` TO \`UQ_jwt_devices_device_permanent_token_hash\``,
  );
  const toDate = (value: unknown) => (value === null ? null : new Date(Number(value)));
  await convertMysqlTimes(queryRunner, DEVICE, DEVICE_TIMES, 'id', 'datetime(3)', toDate);
  await convertMysqlTimes(queryRunner, RETIRED, RETIRED_TIMES, 'token_hash', 'datetime(3)', toDate);
}

/** ` CHARACTER SET ... COLLATE ...` of a column, so a change keeps the binary collation migration 2 gave it. */
async function columnCollation(queryRunner: QueryRunner, table: string, column: string): Promise<string> {
  const rows: Array<{ charset: string | null; collation: string | null }> = await queryRunner.query(
    'SELECT CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [table, column],
  );
  const { charset, collation } = rows[0] ?? { charset: null, collation: null };
  return charset && collation ? ` CHARACTER SET ${charset} COLLATE ${collation}` : '';
}

/**
 * Converts time columns in JS, in batches by key: the driver reads a DATETIME as the DataSource's
 * `timezone` says (local by default) and writes a Date the same way, the way the app wrote them, and
 * MySQL's own conversion would need its time-zone tables. Each column goes to a new one, then replaces it.
 */
async function convertMysqlTimes(
  queryRunner: QueryRunner,
  table: string,
  columns: string[],
  key: string,
  targetType: string,
  convert: (value: unknown) => unknown,
): Promise<void> {
  const temporary = (column: string) => `${column}__converted`;
  const existing = (await queryRunner.getTable(table))!;
  const nullable = new Map(existing.columns.map((column) => [column.name, column.isNullable]));
  await queryRunner.query(
    `ALTER TABLE \`${table}\` ` + columns.map((column) => `ADD \`${temporary(column)}\` ${targetType} NULL`).join(', '),
  );
  let after: unknown = null;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await queryRunner.query(
      `SELECT \`${key}\` AS k, ${columns.map((column) => `\`${column}\``).join(', ')} FROM \`${table}\`` +
        (after === null ? '' : ` WHERE \`${key}\` > ?`) +
        ` ORDER BY \`${key}\` LIMIT ${BATCH}`,
      after === null ? [] : [after],
    );
    if (rows.length === 0) break;
    const sets = columns.map(
      (column) => `\`${temporary(column)}\` = CASE \`${key}\` ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    );
    const parameters = columns.flatMap((column) => rows.flatMap((row) => [row.k, convert(row[column])]));
    await queryRunner.query(
      `UPDATE \`${table}\` SET ${sets.join(', ')} WHERE \`${key}\` IN (${rows.map(() => '?').join(', ')})`,
      [...parameters, ...rows.map((row) => row.k)],
    );
    after = rows[rows.length - 1].k;
    if (rows.length < BATCH) break;
  }
  // Dropping a column drops its indexes: note them, to build them again on the new column.
  const indexes = existing.indices.filter((index) => index.columnNames.length === 1 && columns.includes(index.columnNames[0]));
  await queryRunner.query(
    `ALTER TABLE \`${table}\` ` +
      columns
        .map((column) => `DROP COLUMN \`${column}\`, CHANGE \`${temporary(column)}\` \`${column}\` ${targetType} ${nullable.get(column) ? 'NULL' : 'NOT NULL'}`)
        .join(', '),
  );
  for (const index of indexes) await queryRunner.query(`CREATE INDEX \`${index.name}\` ON \`${table}\` (\`${index.columnNames[0]}\`)`);
}

/** SQLite changes a column's type by rebuilding its table; its times were UTC text, which julianday() reads. */
async function sqliteUp(queryRunner: QueryRunner): Promise<void> {
  const toMillis = (column: string) => `CAST(ROUND((julianday("${column}") - 2440587.5) * 86400000.0) AS INTEGER)`;
  await rebuildSqlite(queryRunner, deviceTable('bigint', true), [
    ['id', '"id"'],
    ['user_id', '"user_id"'],
    ['token_hash', 'NULL'],
    ['generation', '0'],
    ['legacy_token_hash', '"permanent_token_hash"'],
    ['rotated_at', `CASE WHEN "rotated_at" IS NULL THEN NULL ELSE ${toMillis('rotated_at')} END`],
    ['name', '"name"'],
    ['details', '"details"'],
    ['created', toMillis('created')],
    ['last_request_datetime', toMillis('last_request_datetime')],
  ]);
  await rebuildSqlite(queryRunner, retiredTable('bigint'), [
    ['token_hash', '"token_hash"'],
    ['device_id', '"device_id"'],
    ['retired_at', toMillis('retired_at')],
  ]);
}

async function sqliteDown(queryRunner: QueryRunner): Promise<void> {
  const toText = (column: string) => `strftime('%Y-%m-%d %H:%M:%f', "${column}" / 1000.0, 'unixepoch')`;
  await rebuildSqlite(queryRunner, deviceTable('datetime', false), [
    ['id', '"id"'],
    ['user_id', '"user_id"'],
    ['permanent_token_hash', 'CASE WHEN "generation" > 0 OR "legacy_token_hash" IS NULL THEN "token_hash" ELSE "legacy_token_hash" END'],
    ['previous_token_hash', 'NULL'],
    ['rotated_at', `CASE WHEN "rotated_at" IS NULL THEN NULL ELSE ${toText('rotated_at')} END`],
    ['name', '"name"'],
    ['details', '"details"'],
    ['created', toText('created')],
    ['last_request_datetime', toText('last_request_datetime')],
  ]);
  await rebuildSqlite(queryRunner, retiredTable('datetime'), [
    ['token_hash', '"token_hash"'],
    ['device_id', '"device_id"'],
    ['retired_at', toText('retired_at')],
  ]);
}

/** The device table as the entity describes it after this migration (`upgraded`) or before it. */
function deviceTable(time: string, upgraded: boolean): { table: Table; indexes: TableIndex[] } {
  const hashes: Array<Partial<TableColumn>> = upgraded
    ? [
        { name: 'token_hash', type: 'varchar', length: '64', isNullable: true },
        { name: 'generation', type: 'integer', default: 0 },
        { name: 'legacy_token_hash', type: 'varchar', length: '64', isNullable: true },
      ]
    : [
        { name: 'permanent_token_hash', type: 'varchar', length: '64' },
        { name: 'previous_token_hash', type: 'varchar', length: '64', isNullable: true },
      ];
  const precision = time === 'datetime' ? 3 : undefined;
  return {
    table: new Table({
      name: DEVICE,
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'user_id', type: 'varchar', length: String(USER_ID_LENGTH) },
        ...(hashes as TableColumn[]),
        { name: 'rotated_at', type: time, precision, isNullable: true },
        { name: 'name', type: 'varchar', length: String(DEVICE_NAME_LENGTH) },
        { name: 'details', type: 'varchar', length: String(DEVICE_DETAILS_LENGTH) },
        { name: 'created', type: time, precision },
        { name: 'last_request_datetime', type: time, precision },
      ],
    }),
    indexes: [
      new TableIndex({ name: 'IDX_jwt_devices_device_user_id', columnNames: ['user_id'] }),
      upgraded
        ? new TableIndex({ name: 'UQ_jwt_devices_device_legacy_token_hash', columnNames: ['legacy_token_hash'], isUnique: true })
        : new TableIndex({ name: 'UQ_jwt_devices_device_permanent_token_hash', columnNames: ['permanent_token_hash'], isUnique: true }),
      ...(upgraded ? [] : [new TableIndex({ name: 'IDX_jwt_devices_device_previous_token_hash', columnNames: ['previous_token_hash'] })]),
      new TableIndex({ name: 'IDX_jwt_devices_device_last_request_datetime', columnNames: ['last_request_datetime'] }),
    ],
  };
}

function retiredTable(time: string): { table: Table; indexes: TableIndex[] } {
  return {
    table: new Table({
      name: RETIRED,
      columns: [
        { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
        { name: 'device_id', type: 'integer' },
        { name: 'retired_at', type: time, precision: time === 'datetime' ? 3 : undefined },
      ],
    }),
    indexes: [
      new TableIndex({ name: 'IDX_jwt_devices_retired_token_device_id', columnNames: ['device_id'] }),
      new TableIndex({ name: 'IDX_jwt_devices_retired_token_retired_at', columnNames: ['retired_at'] }),
    ],
  };
}

/** Renames the table away, creates it anew, copies every row with `select` (column, expression) pairs, drops the old one. */
async function rebuildSqlite(queryRunner: QueryRunner, target: { table: Table; indexes: TableIndex[] }, select: Array<[string, string]>): Promise<void> {
  const name = target.table.name;
  const old = `${name}__old`;
  await queryRunner.query(`ALTER TABLE "${name}" RENAME TO "${old}"`);
  // Index names are per schema in SQLite: the old table's go before the new table's are made.
  const indexes: Array<{ name: string }> = await queryRunner.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, [old]);
  for (const index of indexes) await queryRunner.query(`DROP INDEX "${index.name}"`);
  await queryRunner.createTable(target.table);
  await queryRunner.query(
    `INSERT INTO "${name}" (${select.map(([column]) => `"${column}"`).join(', ')}) SELECT ${select.map(([, expression]) => expression).join(', ')} FROM "${old}"`,
  );
  await queryRunner.query(`DROP TABLE "${old}"`);
  await queryRunner.createIndices(name, target.indexes);
}
