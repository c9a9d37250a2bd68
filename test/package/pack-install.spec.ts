import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from '../support/http.js';
import { waitUntilListening } from '../support/listening-process.js';
import { CONSUMER_APP_EXTRA_PACKAGES, CONSUMER_APP_FILES, CONSUMER_APP_USER } from './consumer-app.js';
import { installedVersion, readRepoPackageJson, REPO_ROOT, requiredPeers } from './repo-package.js';

const NPM_AVAILABLE = spawnSync('npm', ['--version'], { stdio: 'ignore' }).status === 0;
const TSC = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
const SQLITE_ADDON = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const MAX_OUTPUT = 4_000;

interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end; `output` is stdout and stderr interleaved, its tail kept for failure messages. */
function runCommand(command: string, args: string[], cwd: string, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-MAX_OUTPUT));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: `$ ${command} ${args.join(' ')}\n${output}` });
    });
  });
}

/**
 * The environment without what an enclosing `npm test` sets for its own package (npm_package_*,
 * npm_lifecycle_*, npm_config_* of this repository), so the child npm sees the temp project only.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_') || keep.has(name.toLowerCase())));
}

function listFiles(directory: string, suffix: string): string[] {
  return readdirSync(directory, { recursive: true }).map(String).filter((entry) => entry.endsWith(suffix)).map((entry) => entry.split('\\').join('/'));
}

describe('the packed package, installed into a fresh app outside the repository', { skip: NPM_AVAILABLE ? false : 'npm is not on PATH' }, () => {
  const pkg = readRepoPackageJson();
  let work: string;
  let tarball: string | undefined;
  let installed = false;
  let compiled = false;
  let app: ChildProcess | undefined;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'jwt-devices-pack-'));
  });
  after(async () => {
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((resolve) => app!.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('npm pack runs prepack and packs a .js and a .d.ts for every lib/ module, and nothing but dist/lib and the docs', { timeout: 120_000 }, async () => {
    // Packed from a copy: prepack empties dist/lib, which the specs running beside this one load.
    const stage = join(work, 'stage');
    mkdirSync(stage);
    for (const entry of readdirSync(REPO_ROOT, { withFileTypes: true })) {
      if (entry.isFile()) copyFileSync(join(REPO_ROOT, entry.name), join(stage, entry.name));
    }
    cpSync(join(REPO_ROOT, 'lib'), join(stage, 'lib'), { recursive: true });
    cpSync(join(REPO_ROOT, 'docs'), join(stage, 'docs'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
    const packed = join(work, 'packed');
    mkdirSync(packed);

    const pack = await runCommand('npm', ['pack', '--pack-destination', packed], stage, 110_000);
    assert.equal(pack.code, 0, pack.output);
    const tarballs = readdirSync(packed).filter((name) => name.endsWith('.tgz'));
    assert.deepEqual(tarballs, [`${pkg.name}-${pkg.version}.tgz`], pack.output);
    tarball = join(packed, tarballs[0]);

    const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const entries = listing.stdout.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));
    const modules = listFiles(join(stage, 'lib'), '.ts').map((file) => `dist/lib/${file.replace(/\.ts$/, '')}`);
    const missing = modules.flatMap((module) => [`${module}.js`, `${module}.d.ts`]).filter((file) => !entries.includes(file));
    assert.deepEqual(missing, [], 'modules of lib/ missing from the tarball');
    const docs = ['package.json', 'README.md', 'SECURITY.md', 'LICENSE'];
    // docs/ ships so that the README's links into it work offline too.
    const isDocsPage = (entry: string) => /^docs\/[\w.-]+\.md$/.test(entry);
    assert.deepEqual(entries.filter((entry) => !entry.startsWith('dist/lib/') && !docs.includes(entry) && !isDocsPage(entry)), [], 'unexpected files in the tarball');
    assert.ok(entries.includes('LICENSE') && entries.includes('README.md'), 'LICENSE and README.md must be packed');
    assert.ok(entries.includes('docs/README.md') && entries.includes('docs/security-model.md'), 'docs/, which README.md and SECURITY.md link to, must be packed');

    const manifest = JSON.parse(spawnSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout) as { scripts?: Record<string, string> };
    const installScripts = ['preinstall', 'install', 'postinstall'].filter((name) => manifest.scripts?.[name]);
    assert.deepEqual(installScripts, [], 'the package must run nothing when installed');
  });

  it('installs from the tarball beside the peers at the versions this repository tests', { timeout: 150_000 }, async (t) => {
    assert.ok(tarball, 'no tarball: npm pack failed above');
    const appDir = join(work, 'app');
    mkdirSync(appDir);
    const versions = Object.fromEntries(
      [...requiredPeers(pkg), ...CONSUMER_APP_EXTRA_PACKAGES].sort().map((name) => {
        const version = installedVersion(name);
        assert.ok(version, `${name} is not installed in this repository`);
        return [name, version];
      }),
    );
    const manifest = {
      name: 'jwt-devices-consumer-app',
      private: true,
      type: 'module',
      dependencies: { [pkg.name]: `file:${tarball}`, ...versions },
      // better-sqlite3's native build takes minutes: it is skipped, and the repository's binary of the same version copied below.
      allowScripts: { 'better-sqlite3': false },
    };
    writeFileSync(join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    const flags = ['--no-audit', '--no-fund', '--ignore-scripts'];
    // The npm cache holds every package, since this repository installed them; the network is the fallback.
    let install = await runCommand('npm', ['install', '--offline', ...flags], appDir, 70_000);
    if (install.code !== 0) {
      t.diagnostic(`offline install failed, retrying online:\n${install.output}`);
      install = await runCommand('npm', ['install', '--prefer-offline', ...flags], appDir, 70_000);
    }
    assert.equal(install.code, 0, install.output);

    const library = join(appDir, 'node_modules', pkg.name);
    assert.equal(lstatSync(library).isSymbolicLink(), false, 'the package must be unpacked from the tarball, not linked to the repository');
    assert.equal((JSON.parse(readFileSync(join(library, 'package.json'), 'utf8')) as { version: string }).version, pkg.version);
    mkdirSync(dirname(join(appDir, SQLITE_ADDON)), { recursive: true });
    copyFileSync(join(REPO_ROOT, SQLITE_ADDON), join(appDir, SQLITE_ADDON));
    installed = true;
  });

  it('compiles a strict TypeScript app against the published declarations, without skipLibCheck', { timeout: 60_000 }, async () => {
    assert.ok(installed, 'not installed: the install failed above');
    const appDir = join(work, 'app');
    for (const [file, text] of Object.entries(CONSUMER_APP_FILES)) {
      mkdirSync(dirname(join(appDir, file)), { recursive: true });
      writeFileSync(join(appDir, file), text);
    }
    const build = await runCommand(TSC, ['-p', 'tsconfig.json'], appDir, 55_000);
    assert.equal(build.code, 0, build.output);
    compiled = true;
  });

  it('boots the app (global guard, strict ValidationPipe, an entity of its own), logs in and passes the guarded route with the access token', { timeout: 30_000 }, async () => {
    assert.ok(compiled, 'not compiled: the build failed above');
    const child = spawn(process.execPath, ['dist/main.js'], { cwd: join(work, 'app'), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    app = child;
    const { url } = await waitUntilListening(child, 'the consumer app', 20_000);

    const refused = await request(url, { method: 'GET', path: '/me' });
    assert.equal(refused.status, 401, refused.text);
    const health = await request(url, { method: 'GET', path: '/health' });
    assert.equal(health.status, 200, health.text);

    const login = await request<{ token: string; permanent_token: string; device_id: number }>(url, {
      method: 'POST',
      path: '/auth-token',
      headers: { 'X-Device-Model': 'consumer-app' },
      body: CONSUMER_APP_USER,
    });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(Object.keys(login.json!).sort(), ['device_id', 'permanent_token', 'token']);

    const me = await request(url, { method: 'GET', path: '/me', headers: { Authorization: `Bearer ${login.json!.token}` } });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json, { username: CONSUMER_APP_USER.username, device_id: login.json!.device_id });

    // The module's routes under the app's global pipe and guard: extra fields ignored, deep JSON a 400, `:id` read as sent.
    const auth = { Authorization: `Bearer ${login.json!.token}` };
    const second = await request<{ device_id: number }>(url, { method: 'POST', path: '/auth-token', body: { ...CONSUMER_APP_USER, remember: true } });
    assert.equal(second.status, 200, second.text);
    const deep = await request(url, { method: 'POST', path: '/auth-token/verify', body: '['.repeat(20_000) + ']'.repeat(20_000), contentType: 'application/json' });
    assert.equal(deep.status, 400, deep.text.slice(0, 200));
    const padded = await request(url, { method: 'DELETE', path: `/devices/0${second.json!.device_id}`, headers: auth });
    assert.equal(padded.status, 404, padded.text);
    const removed = await request(url, { method: 'DELETE', path: `/devices/${second.json!.device_id}`, headers: auth });
    assert.equal(removed.status, 204, removed.text);
    const listed = await request<Array<{ id: number }>>(url, { method: 'GET', path: '/devices', headers: auth });
    assert.deepEqual(listed.json!.map(({ id }) => id), [login.json!.device_id]);
    const refresh = await request(url, { method: 'POST', path: '/device-refresh-token', headers: { 'Permanent-Token': login.json!.permanent_token } });
    assert.equal(refresh.status, 200, refresh.text);
  });

  it('loads with require() too, as CommonJS Nest apps do (Node >= 20.19 requires ES modules)', { timeout: 30_000 }, async () => {
    assert.ok(installed, 'not installed: the install failed above');
    const check = `const m = require(${JSON.stringify(pkg.name)}); if (typeof m.JwtDevicesModule !== 'function') throw new Error('no JwtDevicesModule');`;
    const loaded = await runCommand(process.execPath, ['--no-warnings', '-e', check], join(work, 'app'), 25_000);
    assert.equal(loaded.code, 0, loaded.output);
  });
});
