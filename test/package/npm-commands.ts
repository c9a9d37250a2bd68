import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-package.js';

export const NPM_AVAILABLE = spawnSync('npm', ['--version'], { stdio: 'ignore' }).status === 0;
const MAX_OUTPUT = 4_000;

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end; `output` is stdout and stderr interleaved, its tail kept for failure messages. */
export function runCommand(command: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
 * npm_lifecycle_*, npm_config_* of this repository), so a child npm sees the temp project only.
 * NODE_OPTIONS goes too: the test runner's --enable-source-maps is no user's setting.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'NODE_OPTIONS' && (!name.toLowerCase().startsWith('npm_') || keep.has(name.toLowerCase()))),
  );
}

/**
 * A copy of the repository in `stage` with what `npm pack` packs: its top-level files, lib/ and docs/,
 * node_modules linked. With `withBuild`, the repository's built dist/lib and dist/cjs too, so that
 * `npm pack --ignore-scripts` packs them as they are instead of rebuilding.
 */
export function stageRepository(stage: string, { withBuild }: { withBuild: boolean }): void {
  mkdirSync(stage, { recursive: true });
  for (const entry of readdirSync(REPO_ROOT, { withFileTypes: true })) {
    if (entry.isFile()) copyFileSync(join(REPO_ROOT, entry.name), join(stage, entry.name));
  }
  for (const directory of ['lib', 'docs', 'scripts']) cpSync(join(REPO_ROOT, directory), join(stage, directory), { recursive: true });
  if (withBuild) for (const build of ['lib', 'cjs']) cpSync(join(REPO_ROOT, 'dist', build), join(stage, 'dist', build), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
}

/** `npm pack` in `stage` into `destination`; the tarball's path. */
export async function packInto(stage: string, destination: string, args: string[], timeoutMs: number): Promise<{ tarball?: string; output: string }> {
  mkdirSync(destination, { recursive: true });
  const pack = await runCommand('npm', ['pack', '--pack-destination', destination, ...args], stage, timeoutMs);
  const tarballs = readdirSync(destination).filter((name) => name.endsWith('.tgz'));
  return { tarball: pack.code === 0 && tarballs.length === 1 ? join(destination, tarballs[0]) : undefined, output: pack.output };
}
