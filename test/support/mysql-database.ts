import mysql from 'mysql2/promise';
import { uniqueDatabaseName } from './database-name.js';
import { parseDatabaseUrl, type DatabaseServer } from './database-url.js';
import { errorMessage } from './error-message.js';
import type { CreatedDatabase, TestDatabase } from './test-database.js';

const CONNECT_TIMEOUT_MS = 10_000;

/** MariaDB or MySQL: a utf8mb4 database per suite on the server of `url`. */
export function mysqlDatabase(url: string): TestDatabase {
  const server = parseDatabaseUrl('TEST_MYSQL_URL', url, 3306);
  return {
    name: 'mariadb',
    async create(): Promise<CreatedDatabase> {
      const database = uniqueDatabaseName(server.database);
      const version = await withAdminConnection(server, async (admin) => {
        await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
        return String(rows[0]?.version ?? '');
      });
      let dropped = false;
      return {
        options: {
          // TypeORM's mariadb and mysql dialects differ (RETURNING, JSON); use the one the server is.
          type: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
          ...server,
          database,
          // The connection collation: utf8mb4, so 4-byte characters survive the wire.
          charset: 'utf8mb4_unicode_ci',
          // Dates are read and written as UTC whatever the machine's zone is.
          timezone: 'Z',
          connectTimeout: CONNECT_TIMEOUT_MS,
        },
        async drop() {
          if (dropped) return;
          await withAdminConnection(server, async (admin) => {
            await killSessionsOf(admin, database);
            await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
          });
          dropped = true;
        },
      };
    },
  };
}

/** Like PostgreSQL's DROP ... WITH (FORCE): a session left mid-transaction would block the drop. */
async function killSessionsOf(admin: mysql.Connection, database: string): Promise<void> {
  const [sessions] = await admin.query<mysql.RowDataPacket[]>(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
    [database],
  );
  for (const { id } of sessions) {
    // The session may have ended on its own since the SELECT.
    await admin.query(`KILL ${Number(id)}`).catch(() => undefined);
  }
}

async function withAdminConnection<T>(server: DatabaseServer, work: (admin: mysql.Connection) => Promise<T>): Promise<T> {
  let admin: mysql.Connection | undefined;
  try {
    admin = await mysql.createConnection({
      host: server.host,
      port: server.port,
      user: server.username,
      password: server.password,
      database: server.database,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
    return await work(admin);
  } catch (error) {
    throw new Error(`MySQL/MariaDB at ${server.host}:${server.port} (TEST_MYSQL_URL): ${errorMessage(error)}`, { cause: error });
  } finally {
    await admin?.end().catch(() => undefined);
  }
}
