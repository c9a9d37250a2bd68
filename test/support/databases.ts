import { after, before, describe } from 'node:test';
import type { ValidationPipeOptions } from '@nestjs/common';
import { strictestPipe } from './global-pipes.js';
import { mysqlDatabase } from './mysql-database.js';
import { postgresDatabase } from './postgres-database.js';
import { sqliteDatabase } from './sqlite-database.js';
import type { AdapterName, CreatedDatabase, TestDatabase } from './test-database.js';

export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

/** Each adapter's leg of forEachServer: Express with no global pipe, Fastify under the strictest ValidationPipe an app can install. */
const SERVER_LEGS: ReadonlyArray<{ adapter: AdapterName; globalPipe?: ValidationPipeOptions; label: string }> = [
  { adapter: 'express', label: 'express' },
  { adapter: 'fastify', globalPipe: strictestPipe(), label: 'fastify · strict ValidationPipe' },
];

export type { AdapterName, CreatedDatabase, DatabaseName, TestDatabase, TestDataSourceOptions } from './test-database.js';

/** The database matrix: SQLite always, PostgreSQL and MariaDB/MySQL when their URL is set. */
export function testDatabases(env: NodeJS.ProcessEnv = process.env): TestDatabase[] {
  const databases: TestDatabase[] = [sqliteDatabase];
  if (env.TEST_POSTGRES_URL) databases.push(postgresDatabase(env.TEST_POSTGRES_URL));
  if (env.TEST_MYSQL_URL) databases.push(mysqlDatabase(env.TEST_MYSQL_URL));
  return databases;
}

/** Declares the suite once per database of the matrix, inside `describe('[sqlite]')` and so on. */
export function forEachDatabase(suite: (database: TestDatabase) => void): void {
  for (const database of testDatabases()) {
    describe(`[${database.name}]`, () => suite(database));
  }
}

/**
 * Declares an HTTP suite once per database and per adapter (as @nestjs/throttler's e2e suites
 * do), inside `describe('[sqlite · express]')` and so on; TestApp picks the adapter and global pipe
 * up. The Fastify leg runs under an app-wide strict ValidationPipe, so every suite also proves the
 * module ignores it; test/e2e/global-pipes.e2e.spec.ts covers each pipe set-up on both adapters.
 */
export function forEachServer(suite: (database: TestDatabase) => void): void {
  for (const database of testDatabases()) {
    for (const { adapter, globalPipe, label } of SERVER_LEGS) {
      const target: TestDatabase = { name: database.name, create: async () => ({ ...(await database.create()), adapter, globalPipe }) };
      describe(`[${database.name} · ${label}]`, () => suite(target));
    }
  }
}

/**
 * Creates a fresh database before the enclosing suite and drops it after it; call the
 * returned function inside tests or later hooks. node:test runs `after` hooks in the order
 * they were registered, so this drop may run before your own teardown: it ends any session
 * still open, and TypeORM only logs a warning when it later closes the ended connections.
 */
export function useFreshDatabase(database: TestDatabase): () => CreatedDatabase {
  let created: CreatedDatabase | undefined;
  before(async () => {
    created = await database.create();
  });
  after(async () => {
    await created?.drop();
  });
  return () => {
    if (!created) throw new Error(`the ${database.name} database is not created yet: read it inside a test or hook`);
    return created;
  };
}
