import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSourceOptions } from 'typeorm';

export type SqliteOptions = Extract<DataSourceOptions, { type: 'better-sqlite3' }>;
export type PostgresOptions = Extract<DataSourceOptions, { type: 'postgres' }>;
export type MysqlOptions = Extract<DataSourceOptions, { type: 'mysql' | 'mariadb' }>;
export type DatabaseOptions = SqliteOptions | PostgresOptions | MysqlOptions;

export const DATABASE_URL_FORMATS = 'sqlite:PATH, postgres://…, postgresql://…, mysql://… or mariadb://…';

/** sample-app/data/sample.sqlite under the repository root, found from sample-app/config/ and dist/sample-app/config/ alike. */
export const DEFAULT_DATABASE_URL = `sqlite:${join(repositoryRoot(), 'sample-app', 'data', 'sample.sqlite')}`;

function repositoryRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) directory = dirname(directory);
  return existsSync(join(directory, 'package.json')) ? directory : process.cwd();
}

/**
 * Turns a DATABASE_URL into TypeORM connection options; throws an Error whose message never
 * repeats the URL, since it may hold a password.
 */
export function databaseOptionsFromUrl(url: string): DatabaseOptions {
  if (url.startsWith('sqlite:')) return sqliteOptions(url.slice('sqlite:'.length));
  const parsed = parseServerUrl(url);
  switch (parsed.protocol) {
    case 'postgres:':
    case 'postgresql:':
      return { type: 'postgres', ...credentials(parsed, 5432) };
    case 'mysql:':
    case 'mariadb:':
      return {
        type: parsed.protocol === 'mariadb:' ? 'mariadb' : 'mysql',
        ...credentials(parsed, 3306),
        // Full Unicode (device names may hold emoji) and UTC dates, like the other databases.
        charset: 'utf8mb4_unicode_ci',
        timezone: 'Z',
      };
  }
  throw new Error(`unsupported scheme; use ${DATABASE_URL_FORMATS}`);
}

function sqliteOptions(location: string): SqliteOptions {
  // Accept `sqlite:///abs/path` and `sqlite://rel/path` as well as `sqlite:path`.
  const path = location.startsWith('//') ? location.slice(2) : location;
  if (path === '') throw new Error('sqlite: needs a file path, e.g. sqlite:data/app.sqlite or sqlite::memory:');
  const database = path === ':memory:' || isAbsolute(path) ? path : resolve(path);
  return { type: 'better-sqlite3', database, enableWAL: true, prepareDatabase: tuneSqlite };
}

/**
 * WAL lets readers run while a write is in progress. With WAL, `synchronous = NORMAL` is what
 * SQLite's documentation recommends: a commit no longer waits for an fsync of its own (about
 * 0.2 ms each on the benchmark machine, and a refresh commits twice), and a crash cannot corrupt
 * the file; an OS crash or power loss may roll back the commits since the last checkpoint, a
 * logout among them. The 64 MiB page cache keeps a large Device table's hot pages in memory.
 */
function tuneSqlite(database: { pragma(source: string): unknown }): void {
  database.pragma('synchronous = NORMAL');
  database.pragma('cache_size = -65536');
}

function parseServerUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error(`not a valid URL; use ${DATABASE_URL_FORMATS}`);
  }
}

function credentials(url: URL, defaultPort: number) {
  const database = decoded(url.pathname.replace(/^\//, ''));
  if (url.hostname === '') throw new Error('needs a host, e.g. postgres://user@127.0.0.1:5432/app');
  if (database === '' || database.includes('/')) throw new Error('needs one database name as its path, e.g. …/app');
  if (url.search !== '') throw new Error('query parameters are not supported');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : defaultPort,
    username: url.username ? decoded(url.username) : undefined,
    password: url.password ? decoded(url.password) : undefined,
    database,
  };
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error('has a malformed percent-encoding (%XX) in its user, password or database name');
  }
}
