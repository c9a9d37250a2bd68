import { join } from 'node:path';
import type { CleanupStack } from '../cleanup-stack.js';
import type { DatabaseKind } from '../cli-options.js';
import { WORK_DIR } from '../paths.js';
import type { DeviceSeed } from '../seed/device-seed.js';
import { createTemporaryDatabase, postgresServerUrl } from '../seed/postgres-database.js';
import { seedPostgres } from '../seed/postgres-seeder.js';
import { seedSqlite } from '../seed/sqlite-seeder.js';

/** A fresh database for one sample-app process: its DATABASE_URL, and how to seed its Device table (returning the chains' tokens). */
export interface DeviceStore {
  url: string;
  seed(seed: DeviceSeed): Promise<string[]>;
}

export async function openDeviceStore(database: DatabaseKind, name: string, cleanup: CleanupStack): Promise<DeviceStore> {
  if (database === 'sqlite') {
    const path = join(WORK_DIR, `${name}.sqlite`);
    return { url: `sqlite:${path}`, seed: async (seed) => seedSqlite(path, seed) };
  }
  const temporary = await createTemporaryDatabase(postgresServerUrl(process.env));
  cleanup.push(`drop the PostgreSQL database of ${name}`, () => temporary.drop());
  return { url: temporary.url, seed: (seed) => seedPostgres(temporary.url, seed) };
}
