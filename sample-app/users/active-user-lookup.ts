import type { Repository } from 'typeorm';
import type { User } from './user.entity.js';

export interface ActiveUserRow {
  id: number;
  username: string;
  email: string | null;
}

/**
 * The per-request "does this user still exist and is it active" check in one plain statement:
 * the jwt-devices guard asks it on every authenticated request, and TypeORM's find builder costs
 * several times the query itself (see README, Performance).
 */
export class ActiveUserLookup {
  private readonly sql: string;

  constructor(private readonly users: Repository<User>) {
    const { driver } = users.manager.connection;
    const metadata = users.metadata;
    const column = (property: keyof User) => driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName);
    const table = metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.');
    this.sql =
      `SELECT ${column('id')} AS id, ${column('username')} AS username, ${column('email')} AS email ` +
      `FROM ${table} WHERE ${column('id')} = ${driver.createParameter('id', 0)} AND ${column('isActive')} = ${driver.createParameter('active', 1)}`;
  }

  async find(id: number): Promise<ActiveUserRow | null> {
    const rows: Array<{ id: number | string; username: string; email: string | null }> = await this.users.query(this.sql, [id, true]);
    if (rows.length === 0) return null;
    return { id: Number(rows[0].id), username: rows[0].username, email: rows[0].email };
  }
}
