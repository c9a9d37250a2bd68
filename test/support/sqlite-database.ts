import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueDatabaseName } from './database-name.js';
import type { CreatedDatabase, TestDatabase } from './test-database.js';

/** SQLite through better-sqlite3: a fresh WAL-mode file in the OS temp directory per suite. */
export const sqliteDatabase: TestDatabase = {
  name: 'sqlite',
  async create(): Promise<CreatedDatabase> {
    const file = join(tmpdir(), `${uniqueDatabaseName('jwt_devices')}.sqlite`);
    return {
      // As the sample app runs it: WAL, and no fsync per commit (nothing here outlives a power loss anyway).
      options: { type: 'better-sqlite3', database: file, enableWAL: true, prepareDatabase: (db: { pragma(source: string): unknown }) => void db.pragma('synchronous = NORMAL') },
      async drop() {
        // WAL mode leaves -wal and -shm files beside the database.
        await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(file + suffix, { force: true })));
      },
    };
  },
};
