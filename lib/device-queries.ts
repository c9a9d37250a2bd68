import type { DataSource, Repository } from 'typeorm';
import { Device } from './device.entity.js';
import { RetiredToken } from './retired-token.entity.js';
import { statementRunnerFor, type StatementResult, type StatementRunner } from './statement-runner.js';

type DeviceProperty = keyof Device;
type ColumnMetadata = Repository<Device>['metadata']['columns'][number];

const PROPERTIES: DeviceProperty[] = [
  'id',
  'userId',
  'permanentTokenHash',
  'previousTokenHash',
  'rotatedAt',
  'name',
  'details',
  'created',
  'lastRequestDatetime',
];

/** How each driver hands back the id of a plain INSERT; other drivers insert through TypeORM. */
const INSERTED_ID: Partial<Record<string, { returning: boolean; read(result: StatementResult, idColumn: string): unknown }>> = {
  'better-sqlite3': { returning: false, read: (result) => result.raw },
  postgres: { returning: true, read: (result, idColumn) => result.records?.[0]?.[idColumn] },
  mysql: { returning: false, read: (result) => (result.raw as { insertId?: unknown } | undefined)?.insertId },
  mariadb: { returning: false, read: (result) => (result.raw as { insertId?: unknown } | undefined)?.insertId },
};

/**
 * The statements of the hot requests (every authenticated request, refresh and login) in plain
 * SQL: TypeORM's find and update builders cost more than the query itself. Values go through
 * the driver's own conversions, so rows read here equal rows read through the repository.
 */
export class DeviceQueries {
  private readonly repository: Repository<Device>;
  private readonly dataSource: DataSource;
  private readonly run: StatementRunner;
  private readonly columns: Map<DeviceProperty, ColumnMetadata>;
  private readonly table: string;
  private readonly selectList: string;
  private readonly retired: { table: string; hash: string; deviceId: string; retiredAt: ColumnMetadata };

  constructor(repository: Repository<Device>) {
    this.repository = repository;
    this.dataSource = repository.manager.connection;
    this.run = statementRunnerFor(this.dataSource);
    const driver = this.dataSource.driver;
    this.columns = new Map(PROPERTIES.map((property) => [property, repository.metadata.findColumnWithPropertyName(property)!]));
    this.table = repository.metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.');
    this.selectList = PROPERTIES.map((property) => this.column(property)).join(', ');
    const retired = this.dataSource.getMetadata(RetiredToken);
    const retiredColumn = (property: keyof RetiredToken) => retired.findColumnWithPropertyName(property)!;
    this.retired = {
      table: retired.tablePath.split('.').map((part) => driver.escape(part)).join('.'),
      hash: driver.escape(retiredColumn('tokenHash').databaseName),
      deviceId: driver.escape(retiredColumn('deviceId').databaseName),
      retiredAt: retiredColumn('retiredAt'),
    };
  }

  /** Inserts a new device and sets its id. */
  async insert(device: Device): Promise<void> {
    const insertedId = INSERTED_ID[this.dataSource.driver.options.type];
    if (!insertedId) {
      await this.repository.insert(device);
      return;
    }
    const properties = PROPERTIES.filter((property) => property !== 'id');
    const idColumn = this.columns.get('id')!.databaseName;
    const sql =
      `INSERT INTO ${this.table} (${properties.map((property) => this.column(property)).join(', ')}) ` +
      `VALUES (${properties.map((_, index) => this.param(index)).join(', ')})` +
      (insertedId.returning ? ` RETURNING ${this.dataSource.driver.escape(idColumn)}` : '');
    const result = await this.run(sql, properties.map((property) => this.toDatabase(property, device[property])));
    const id = Number(insertedId.read(result, idColumn));
    if (!Number.isSafeInteger(id) || id < 1) throw new Error('the database answered an INSERT without the new device id');
    device.id = id;
  }

  /** Remembers a rotated-away token hash, so its later use is recognised as reuse. */
  async retire(deviceId: number, hash: string, now: Date): Promise<void> {
    const { table, hash: hashColumn, deviceId: deviceColumn, retiredAt } = this.retired;
    const sql =
      `INSERT INTO ${table} (${hashColumn}, ${deviceColumn}, ${this.dataSource.driver.escape(retiredAt.databaseName)}) ` +
      `VALUES (${this.param(0)}, ${this.param(1)}, ${this.param(2)})`;
    await this.run(sql, [hash, deviceId, this.dataSource.driver.preparePersistentValue(now, retiredAt)]);
  }

  /** The device a rotated-away token belonged to, and when it was retired, if it was. */
  async findRetired(hash: string): Promise<{ deviceId: number; retiredAt: Date } | null> {
    const { table, hash: hashColumn, deviceId, retiredAt } = this.retired;
    const retiredAtColumn = this.dataSource.driver.escape(retiredAt.databaseName);
    const sql = `SELECT ${deviceId} AS device_id, ${retiredAtColumn} AS retired_at FROM ${table} WHERE ${hashColumn} = ${this.param(0)}`;
    const { records = [] } = await this.run(sql, [hash]);
    if (records.length === 0) return null;
    return {
      deviceId: Number(records[0].device_id),
      retiredAt: this.dataSource.driver.prepareHydratedValue(records[0].retired_at, retiredAt) as Date,
    };
  }

  findById(id: number): Promise<Device | null> {
    return this.selectOne('id', id);
  }

  findByTokenHash(hash: string): Promise<Device | null> {
    return this.selectOne('permanentTokenHash', hash);
  }

  findByPreviousTokenHash(hash: string): Promise<Device | null> {
    return this.selectOne('previousTokenHash', hash);
  }

  /** One conditional update: only a caller that presents the current hash can rotate it. */
  async rotate(id: number, presentedHash: string, nextHash: string, now: Date): Promise<boolean> {
    const sql =
      `UPDATE ${this.table} SET ${this.column('permanentTokenHash')} = ${this.param(0)}, ` +
      `${this.column('previousTokenHash')} = ${this.param(1)}, ${this.column('rotatedAt')} = ${this.param(2)}, ` +
      `${this.column('lastRequestDatetime')} = ${this.param(3)} ` +
      `WHERE ${this.column('id')} = ${this.param(4)} AND ${this.column('permanentTokenHash')} = ${this.param(5)}`;
    const when = this.toDatabase('rotatedAt', now);
    const result = await this.run(sql, [nextHash, presentedHash, when, this.toDatabase('lastRequestDatetime', now), id, presentedHash]);
    return result.affected === 1;
  }

  /** Records a refresh without rotation; false when the device is gone. */
  async touch(id: number, now: Date): Promise<boolean> {
    const sql = `UPDATE ${this.table} SET ${this.column('lastRequestDatetime')} = ${this.param(0)} WHERE ${this.column('id')} = ${this.param(1)}`;
    const result = await this.run(sql, [this.toDatabase('lastRequestDatetime', now), id]);
    return result.affected === 1;
  }

  private async selectOne(property: DeviceProperty, value: unknown): Promise<Device | null> {
    const sql = `SELECT ${this.selectList} FROM ${this.table} WHERE ${this.column(property)} = ${this.param(0)}`;
    const { records = [] } = await this.run(sql, [value]);
    return records.length === 0 ? null : this.hydrate(records[0]);
  }

  private hydrate(row: Record<string, unknown>): Device {
    const device = new Device();
    const driver = this.dataSource.driver;
    for (const [property, column] of this.columns) {
      const value = row[column.databaseName];
      (device as unknown as Record<string, unknown>)[property] = driver.prepareHydratedValue(value, column);
    }
    device.id = Number(device.id);
    return device;
  }

  private toDatabase(property: DeviceProperty, value: unknown): unknown {
    return this.dataSource.driver.preparePersistentValue(value, this.columns.get(property)!);
  }

  private column(property: DeviceProperty): string {
    return this.dataSource.driver.escape(this.columns.get(property)!.databaseName);
  }

  private param(index: number): string {
    return this.dataSource.driver.createParameter(`p${index}`, index);
  }
}
