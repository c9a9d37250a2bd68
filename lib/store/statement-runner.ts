import type { DataSource } from 'typeorm';

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

/**
 * better-sqlite3 answers synchronously on TypeORM's one connection, so the module's statements
 * go to that connection directly: TypeORM's query runner (its promise hops and per-query objects)
 * costs several times the statement. Other drivers go through TypeORM's query runner.
 */
export function statementRunnerFor(dataSource: DataSource): StatementRunner {
  return dataSource.driver.options.type === 'better-sqlite3' ? directToBetterSqlite3(dataSource) : viaTypeOrmQueryRunner(dataSource);
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

/** Logs as TypeORM's runner would (query, error, slow query), so `logging` shows these statements too. */
function directToBetterSqlite3(dataSource: DataSource): StatementRunner {
  let connection: BetterSqlite3Connection | undefined;
  // A fixed handful of statements, prepared once per connection (a DataSource may be destroyed and reopened).
  const statements = new Map<string, BetterSqlite3Statement>();
  const slowAfterMs = dataSource.options.maxQueryExecutionTime;
  return async (sql, parameters) => {
    dataSource.logger.logQuery(sql, parameters);
    const startedAt = slowAfterMs ? Date.now() : 0;
    let result: StatementResult;
    try {
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
      if (statement.reader) {
        result = { records: statement.all(...parameters) };
      } else {
        const { changes, lastInsertRowid } = statement.run(...parameters);
        result = { affected: changes, raw: lastInsertRowid };
      }
    } catch (error) {
      dataSource.logger.logQueryError(error instanceof Error ? error : String(error), sql, parameters);
      throw error;
    }
    if (slowAfterMs) {
      const tookMs = Date.now() - startedAt;
      if (tookMs > slowAfterMs) dataSource.logger.logQuerySlow(tookMs, sql, parameters);
    }
    return result;
  };
}
