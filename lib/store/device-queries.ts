import type { DataSource, Repository } from 'typeorm';
import { Device } from '../device.entity.js';
import { RetiredToken } from '../retired-token.entity.js';
import { statementRunnerFor, type StatementResult, type StatementRunner } from './statement-runner.js';

type DeviceProperty = keyof Device;
type ColumnMetadata = Repository<Device>['metadata']['columns'][number];

const PROPERTIES: DeviceProperty[] = [
  'id',
  'userId',
  'tokenHash',
  'generation',
  'legacyTokenHash',
  'rotatedAt',
  'name',
  'details',
  'created',
  'lastRequestDatetime',
  'loginAddress',
  'lastAddress',
];

const INSERTED_PROPERTIES = PROPERTIES.filter((property) => property !== 'id');

interface InsertedId {
  returning: boolean;
  read(result: StatementResult, idColumn: string): unknown;
}

/** How each driver hands back the id of a plain INSERT; other drivers insert through TypeORM. */
const INSERTED_ID: Partial<Record<string, InsertedId>> = {
  'better-sqlite3': { returning: false, read: (result) => result.raw },
  postgres: { returning: true, read: (result, idColumn) => result.records?.[0]?.[idColumn] },
  mysql: { returning: false, read: (result) => (result.raw as { insertId?: unknown } | undefined)?.insertId },
  mariadb: { returning: false, read: (result) => (result.raw as { insertId?: unknown } | undefined)?.insertId },
};

type Statements = Record<'byId' | 'byLegacyTokenHash' | 'insert' | 'setTokenHash' | 'rotate' | 'recordUse' | 'findRetired', string>;

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
  private readonly retiredAt: ColumnMetadata;
  private readonly insertedId: InsertedId | undefined;
  /** Every statement's SQL, built once: the requests that run them are the hot ones. */
  private readonly sql: Statements;

  constructor(repository: Repository<Device>) {
    this.repository = repository;
    this.dataSource = repository.manager.connection;
    this.run = statementRunnerFor(this.dataSource);
    this.columns = new Map(PROPERTIES.map((property) => [property, repository.metadata.findColumnWithPropertyName(property)!]));
    this.retiredAt = this.dataSource.getMetadata(RetiredToken).findColumnWithPropertyName('retiredAt')!;
    this.insertedId = INSERTED_ID[this.dataSource.driver.options.type];
    this.sql = this.statements(repository);
  }

  /** Inserts a new device and sets its id. */
  async insert(device: Device): Promise<void> {
    if (!this.insertedId) {
      await this.repository.insert(device);
      return;
    }
    const result = await this.run(this.sql.insert, INSERTED_PROPERTIES.map((property) => this.toDatabase(property, device[property])));
    const id = Number(this.insertedId.read(result, this.columns.get('id')!.databaseName));
    if (!Number.isSafeInteger(id) || id < 1) throw new Error('the database answered an INSERT without the new device id');
    device.id = id;
  }

  /** The device a token rotated away before the upgrade to version 2 tokens belonged to, and when, if it was. */
  async findRetired(hash: string): Promise<{ deviceId: number; retiredAt: number } | null> {
    const { records = [] } = await this.run(this.sql.findRetired, [hash]);
    if (records.length === 0) return null;
    return {
      deviceId: Number(records[0].device_id),
      retiredAt: this.dataSource.driver.prepareHydratedValue(records[0].retired_at, this.retiredAt) as number,
    };
  }

  findById(id: number): Promise<Device | null> {
    return this.selectOne(this.sql.byId, id);
  }

  findByLegacyTokenHash(hash: string): Promise<Device | null> {
    return this.selectOne(this.sql.byLegacyTokenHash, hash);
  }

  /** Stores the hash of a new device's first token, which names the id the INSERT gave; false when the device is gone. */
  async setTokenHash(id: number, hash: string): Promise<boolean> {
    const result = await this.run(this.sql.setTokenHash, [hash, id]);
    return result.affected === 1;
  }

  /**
   * One conditional update of the row, by primary key: only the caller that read `generation` as current
   * can win it. A non-null `address` becomes the last address in the same statement.
   */
  async rotate(id: number, generation: number, nextHash: string, now: number, address: string | null): Promise<boolean> {
    const result = await this.run(this.sql.rotate, [
      generation + 1,
      nextHash,
      this.toDatabase('rotatedAt', now),
      this.toDatabase('lastRequestDatetime', now),
      address,
      id,
      generation,
    ]);
    return result.affected === 1;
  }

  /**
   * Records a refresh without rotation in one update: a non-null `now` as the last use, a non-null `address`
   * as the last address (each null keeps the stored value); false when the device is gone.
   */
  async recordUse(id: number, now: number | null, address: string | null): Promise<boolean> {
    const result = await this.run(this.sql.recordUse, [now === null ? null : this.toDatabase('lastRequestDatetime', now), address, id]);
    return result.affected === 1;
  }

  private statements(repository: Repository<Device>): Statements {
    const driver = this.dataSource.driver;
    const tableName = (tablePath: string) => tablePath.split('.').map((part) => driver.escape(part)).join('.');
    const column = (property: DeviceProperty) => driver.escape(this.columns.get(property)!.databaseName);
    const param = (index: number) => driver.createParameter(`p${index}`, index);
    const table = tableName(repository.metadata.tablePath);
    const select = (property: DeviceProperty) =>
      `SELECT ${PROPERTIES.map(column).join(', ')} FROM ${table} WHERE ${column(property)} = ${param(0)}`;
    const retired = this.dataSource.getMetadata(RetiredToken);
    const retiredColumn = (property: keyof RetiredToken) => driver.escape(retired.findColumnWithPropertyName(property)!.databaseName);
    const retiredTable = tableName(retired.tablePath);
    return {
      byId: select('id'),
      byLegacyTokenHash: select('legacyTokenHash'),
      insert:
        `INSERT INTO ${table} (${INSERTED_PROPERTIES.map(column).join(', ')}) ` +
        `VALUES (${INSERTED_PROPERTIES.map((_, index) => param(index)).join(', ')})` +
        (this.insertedId?.returning ? ` RETURNING ${column('id')}` : ''),
      setTokenHash: `UPDATE ${table} SET ${column('tokenHash')} = ${param(0)} WHERE ${column('id')} = ${param(1)}`,
      rotate:
        `UPDATE ${table} SET ${column('generation')} = ${param(0)}, ${column('tokenHash')} = ${param(1)}, ` +
        `${column('rotatedAt')} = ${param(2)}, ${column('lastRequestDatetime')} = ${param(3)}, ` +
        `${column('lastAddress')} = COALESCE(${param(4)}, ${column('lastAddress')}) ` +
        `WHERE ${column('id')} = ${param(5)} AND ${column('generation')} = ${param(6)}`,
      recordUse:
        `UPDATE ${table} SET ${column('lastRequestDatetime')} = COALESCE(${param(0)}, ${column('lastRequestDatetime')}), ` +
        `${column('lastAddress')} = COALESCE(${param(1)}, ${column('lastAddress')}) WHERE ${column('id')} = ${param(2)}`,
      findRetired:
        `SELECT ${retiredColumn('deviceId')} AS device_id, ${retiredColumn('retiredAt')} AS retired_at ` +
        `FROM ${retiredTable} WHERE ${retiredColumn('tokenHash')} = ${param(0)}`,
    };
  }

  private async selectOne(sql: string, value: unknown): Promise<Device | null> {
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
}
