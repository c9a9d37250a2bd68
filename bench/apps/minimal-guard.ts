import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseKind } from '../cli-options.js';
import { MINIMAL_GUARD_MAIN, WORK_DIR } from '../paths.js';
import { scenarioId, type Scenario } from '../scenario.js';
import { createTemporaryDatabase, postgresServerUrl } from '../seed/postgres-database.js';
import { launch, type LaunchContext } from './launch.js';

/** Rows per table: as many devices and users as the sample app's smallest run. */
const ROWS = 1000;
const PROBED_ID = 500;

const SCHEMA = [
  'CREATE TABLE app_user (id INTEGER PRIMARY KEY, username VARCHAR(64) NOT NULL, is_active BOOLEAN NOT NULL)',
  'CREATE TABLE device (id INTEGER PRIMARY KEY, user_id VARCHAR(64) NOT NULL, last_request BIGINT NOT NULL)',
];

export const minimalGuardId = (database: DatabaseKind): string => `minimal-guard-${database}`;

/**
 * The floor the module's guarded GET is measured against: a NestJS app whose guard does the two point
 * lookups (device, user) with prepared statements and sets `request.user`, on the same database kind.
 */
export async function startMinimalGuard(context: LaunchContext, database: DatabaseKind): Promise<Scenario[]> {
  const appId = minimalGuardId(database);
  const url = database === 'sqlite' ? seedSqlite(join(WORK_DIR, `${appId}.sqlite`)) : await seedPostgres(context);
  const { server, url: origin } = await launch(context, appId, [MINIMAL_GUARD_MAIN], { MINIMAL_DATABASE_URL: url });
  const app = `minimal two-lookup guard, ${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`;
  const baselineId = scenarioId(appId, 'public');
  return [
    { id: baselineId, app, label: 'unguarded GET /public', origin, serverPid: server.pid, request: { method: 'GET', path: '/public' }, baselineId },
    {
      id: scenarioId(appId, 'profile'),
      app,
      label: 'guarded GET /profile',
      origin,
      serverPid: server.pid,
      request: { method: 'GET', path: '/profile', headers: { authorization: `Bearer ${PROBED_ID}.${PROBED_ID}` } },
      baselineId,
    },
  ];
}

function seedSqlite(path: string): string {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    for (const statement of SCHEMA) db.exec(statement);
    db.exec(seedRows());
  } finally {
    db.close();
  }
  return `sqlite:${path}`;
}

async function seedPostgres(context: LaunchContext): Promise<string> {
  const temporary = await createTemporaryDatabase(postgresServerUrl(process.env));
  context.cleanup.push('drop the PostgreSQL database of the minimal guard app', () => temporary.drop());
  const client = new pg.Client({ connectionString: temporary.url });
  await client.connect();
  try {
    for (const statement of SCHEMA) await client.query(statement);
    await client.query(seedRows());
  } finally {
    await client.end();
  }
  return temporary.url;
}

/** One user per device, ids 1..ROWS, as plain SQL both databases take. */
function seedRows(): string {
  const ids = Array.from({ length: ROWS }, (_, index) => index + 1);
  return [
    `INSERT INTO app_user (id, username, is_active) VALUES ${ids.map((id) => `(${id}, 'user-${id}', TRUE)`).join(', ')};`,
    `INSERT INTO device (id, user_id, last_request) VALUES ${ids.map((id) => `(${id}, '${id}', ${Date.now()})`).join(', ')};`,
  ].join('\n');
}
