import pg from 'pg';

export interface TemporaryDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own on the server of `serverUrl`, so the bench never touches the tables of the
 * database that URL names; dropped WITH (FORCE) so a crashed app cannot keep it.
 */
export async function createTemporaryDatabase(serverUrl: string): Promise<TemporaryDatabase> {
  const name = `jwt_devices_bench_${process.pid}_${Date.now()}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  url.search = '';
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** The server the --db=postgres runs use. */
export function postgresServerUrl(env: NodeJS.ProcessEnv): string {
  const url = env.DATABASE_URL?.trim() || env.TEST_POSTGRES_URL?.trim();
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('--db=postgres needs DATABASE_URL or TEST_POSTGRES_URL set to a postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  }
  return url;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error: unknown) {
    // The URL may hold a password: name the server only by what the driver says.
    throw new Error(`PostgreSQL: ${sql}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
