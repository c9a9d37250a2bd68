import type { ValidationPipeOptions } from '@nestjs/common';
import type { DataSourceOptions } from 'typeorm';

export type DatabaseName = 'sqlite' | 'postgres' | 'mariadb';

/** TypeORM options for one of the matrix's drivers: type and connection only, no entities. */
export type TestDataSourceOptions = Extract<DataSourceOptions, { type: 'better-sqlite3' | 'postgres' | 'mysql' | 'mariadb' }>;

export type AdapterName = 'express' | 'fastify';

export interface CreatedDatabase {
  options: TestDataSourceOptions;
  /** The HTTP adapter a suite declared with forEachServer runs on; TestApp uses it by default. */
  adapter?: AdapterName;
  /** The app-wide ValidationPipe a suite declared with forEachServer runs under; none when undefined. */
  globalPipe?: ValidationPipeOptions;
  /** Deletes the database; destroy every DataSource on it first. Safe to call twice. */
  drop(): Promise<void>;
}

export interface TestDatabase {
  name: DatabaseName;
  /** Makes a new, empty database that no other suite or process uses. */
  create(): Promise<CreatedDatabase>;
}
