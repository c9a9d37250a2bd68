import type { Repository } from 'typeorm';
import type { User } from './user.entity.js';

export interface ActiveUserRow {
  id: number;
  username: string;
  email: string | null;
}

type Row = { id: number | string; username: string; email: string | null };
type Lookup = (id: number) => Promise<Row[]>;

/**
 * The per-request "does this user still exist and is it active" check in one plain statement:
 * the jwt-devices guard asks it on every authenticated request, and TypeORM's find builder costs
 * several times the query itself, its query runner about as much as the query (see README,
 * Performance). So on better-sqlite3 and PostgreSQL the statement is prepared once on the driver
 * TypeORM already holds (outside TypeORM's query log); other databases take `repository.query`.
 */
export class ActiveUserLookup {
  private readonly lookup: Lookup;

  constructor(users: Repository<User>) {
    const { driver } = users.manager.connection;
    const metadata = users.metadata;
    const column = (property: keyof User) => driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName);
    const table = metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.');
    const sql =
      `SELECT ${column('id')} AS id, ${column('username')} AS username, ${column('email')} AS email ` +
      `FROM ${table} WHERE ${column('id')} = ${driver.createParameter('id', 0)} AND ${column('isActive')} = ${driver.createParameter('active', 1)}`;
    this.lookup = preparedLookup(users, sql);
  }

  async find(id: number): Promise<ActiveUserRow | null> {
    const rows = await this.lookup(id);
    if (rows.length === 0) return null;
    return { id: Number(rows[0].id), username: rows[0].username, email: rows[0].email };
  }
}

function preparedLookup(users: Repository<User>, sql: string): Lookup {
  const { driver } = users.manager.connection;
  switch (driver.options.type) {
    case 'better-sqlite3': {
      // better-sqlite3 stores booleans as 1/0; the statement is re-prepared if TypeORM reconnects.
      let prepared: { connection: unknown; statement: { all(...values: unknown[]): Row[] } } | undefined;
      return async (id) => {
        const connection = (driver as unknown as { databaseConnection: { prepare(sql: string): { all(...values: unknown[]): Row[] } } }).databaseConnection;
        if (prepared?.connection !== connection) prepared = { connection, statement: connection.prepare(sql) };
        return prepared.statement.all(id, 1);
      };
    }
    case 'postgres':
      // A named statement: each pooled connection parses and plans it once.
      return async (id) => {
        const pool = (driver as unknown as { master: { query(config: object): Promise<{ rows: Row[] }> } }).master;
        return (await pool.query({ name: 'sample_app_active_user', text: sql, values: [id, true] })).rows;
      };
    default:
      return (id) => users.query(sql, [id, true]);
  }
}
