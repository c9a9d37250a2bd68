import pg from 'pg';
import { uniqueDatabaseName } from './database-name.js';
import { parseDatabaseUrl, type DatabaseServer } from './database-url.js';
import { errorMessage } from './error-message.js';
import type { CreatedDatabase, TestDatabase } from './test-database.js';

const CONNECT_TIMEOUT_MS = 10_000;

/** PostgreSQL: a `CREATE DATABASE` per suite on the server of `url`, dropped WITH (FORCE). */
export function postgresDatabase(url: string): TestDatabase {
  const server = parseDatabaseUrl('TEST_POSTGRES_URL', url, 5432);
  return {
    name: 'postgres',
    async create(): Promise<CreatedDatabase> {
      const database = uniqueDatabaseName(server.database);
      await runAdminQuery(server, `CREATE DATABASE "${database}"`);
      let dropped = false;
      return {
        options: { type: 'postgres', ...server, database, connectTimeoutMS: CONNECT_TIMEOUT_MS },
        async drop() {
          if (dropped) return;
          // FORCE ends sessions a failed test left open, so the drop never hangs.
          await runAdminQuery(server, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
          dropped = true;
        },
      };
    },
  };
}

async function runAdminQuery(server: DatabaseServer, sql: string): Promise<void> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.username,
    password: server.password,
    database: server.database,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    throw new Error(`PostgreSQL at ${server.host}:${server.port} (TEST_POSTGRES_URL): ${sql}: ${errorMessage(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
