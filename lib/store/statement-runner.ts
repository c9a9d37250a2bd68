import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource } from 'typeorm';

export interface StatementResult {
  records?: Array<Record<string, unknown>>;
  affected?: number;
  /** The driver's own answer; for an INSERT on better-sqlite3, the new row id. */
  raw?: unknown;
}

/** Sends one SQL statement with positional parameters on the app's DataSource. */
export type StatementRunner = (sql: string, parameters: unknown[]) => Promise<StatementResult>;

interface BetterSqlite3Statement {
  readonly reader: boolean;
  all(...parameters: unknown[]): Array<Record<string, unknown>>;
  run(...parameters: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

interface BetterSqlite3Connection {
  prepare(sql: string): BetterSqlite3Statement;
}

/** What the module needs of node-postgres's Pool, which TypeORM's PostgreSQL driver holds as `master`. */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;
}

/**
 * The module sends a fixed handful of statements on every request, so on the two drivers where TypeORM's
 * query runner (a runner object, promise hops, a result object and a broadcast per query) costs as much as
 * the statement, they go to the driver directly: better-sqlite3's connection, with statements prepared once
 * per connection, and node-postgres's pool, with named statements that each connection prepares once.
 * Both log as TypeORM's runner would (query, error, slow query), so `logging` still shows them. Other
 * drivers go through TypeORM's query runner.
 */
export function statementRunnerFor(dataSource: DataSource): StatementRunner {
  switch (dataSource.driver.options.type) {
    case 'better-sqlite3':
      return logged(dataSource, directToBetterSqlite3(dataSource));
    case 'postgres':
      return logged(dataSource, directToPgPool(dataSource));
    default:
      return viaTypeOrmQueryRunner(dataSource);
  }
}

function viaTypeOrmQueryRunner(dataSource: DataSource): StatementRunner {
  return async (sql, parameters) => {
    const runner = dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, parameters, true)) as StatementResult;
    } finally {
      await runner.release();
    }
  };
}

function directToBetterSqlite3(dataSource: DataSource): StatementRunner {
  let connection: BetterSqlite3Connection | undefined;
  // Prepared once per connection: a DataSource may be destroyed and reopened.
  const statements = new Map<string, BetterSqlite3Statement>();
  return async (sql, parameters) => {
    const current = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3Connection }).databaseConnection;
    if (current !== connection) {
      connection = current;
      statements.clear();
    }
    let statement = statements.get(sql);
    if (!statement) {
      statement = current.prepare(sql);
      statements.set(sql, statement);
    }
    if (statement.reader) return { records: statement.all(...parameters) };
    const { changes, lastInsertRowid } = statement.run(...parameters);
    return { affected: changes, raw: lastInsertRowid };
  };
}

function directToPgPool(dataSource: DataSource): StatementRunner {
  // A statement's name is a digest of its text, so one name never stands for two statements.
  const names = new Map<string, string>();
  return async (sql, parameters) => {
    let name = names.get(sql);
    if (!name) {
      name = `jwt_devices_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    // Read on every call: the pool is replaced when the DataSource is destroyed and reopened.
    const pool = (dataSource.driver as unknown as { master: PgPool }).master;
    const { rows, rowCount } = await pool.query({ name, text: sql, values: parameters });
    return { records: rows, affected: rowCount ?? undefined, raw: rows };
  };
}

/**
 * TypeORM's logger sees each statement, its failure and, past `maxQueryExecutionTime`, its slowness; a
 * failure is thrown as TypeORM's QueryFailedError, as its query runner would, with the driver's code.
 */
function logged(dataSource: DataSource, run: StatementRunner): StatementRunner {
  const slowAfterMs = dataSource.options.maxQueryExecutionTime;
  return async (sql, parameters) => {
    dataSource.logger.logQuery(sql, parameters);
    const startedAt = slowAfterMs ? Date.now() : 0;
    let result: StatementResult;
    try {
      result = await run(sql, parameters);
    } catch (error) {
      dataSource.logger.logQueryError(error instanceof Error ? error : String(error), sql, parameters);
      throw error instanceof Error ? new QueryFailedError(sql, parameters, error) : error;
    }
    if (slowAfterMs) {
      const tookMs = Date.now() - startedAt;
      if (tookMs > slowAfterMs) dataSource.logger.logQuerySlow(tookMs, sql, parameters);
    }
    return result;
  };
}
