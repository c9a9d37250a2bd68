import Database from 'better-sqlite3';
import pg from 'pg';

export interface DeviceRow {
  id: number;
  user_id: string;
  last_request: number;
}

export interface UserRow {
  id: number;
  username: string;
}

/** The two point lookups a device-session guard cannot do without: the device, then its user. */
export interface Lookups {
  device(id: number): Promise<DeviceRow | undefined>;
  user(id: number): Promise<UserRow | undefined>;
}

const DEVICE_SQL = 'SELECT id, user_id, last_request FROM device WHERE id = $1';
const USER_SQL = 'SELECT id, username FROM app_user WHERE id = $1 AND is_active = TRUE';

/** Prepared better-sqlite3 statements on one connection: the fastest a Node guard can read SQLite. */
export function sqliteLookups(path: string): Lookups {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const device = db.prepare<[number], DeviceRow>(DEVICE_SQL.replace('$1', '?'));
  const user = db.prepare<[number], UserRow>(USER_SQL.replace('$1', '?'));
  return {
    device: async (id) => device.get(id),
    user: async (id) => user.get(id),
  };
}

/** Named (server-side prepared) statements on pg's pool: one round trip per lookup. */
export function postgresLookups(url: string): Lookups {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return {
    device: async (id) => (await pool.query<DeviceRow>({ name: 'minimal_device', text: DEVICE_SQL, values: [id] })).rows[0],
    user: async (id) => (await pool.query<UserRow>({ name: 'minimal_user', text: USER_SQL, values: [id] })).rows[0],
  };
}
