import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from dist/test/package/ where this file runs. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The targets of one module format in an `exports` entry: its declarations and its code. */
export interface ExportConditions {
  types?: string;
  default?: string;
  [condition: string]: string | undefined;
}

/** An `exports` entry: conditions whose values are targets or nested conditions (`import: { types, default }`). */
export interface ExportEntry {
  [condition: string]: string | ExportEntry | undefined;
}

export interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: Record<string, ExportEntry | string>;
  imports?: Record<string, ExportEntry | string>;
  files?: string[];
  engines?: Record<string, string>;
  scripts?: Record<string, string>;
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export function readRepoPackageJson(): PackageJson {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/** The version of `name` installed in the repository's node_modules, which the test suite runs on; undefined when absent. */
export function installedVersion(name: string): string | undefined {
  const file = join(REPO_ROOT, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

/** Peers a user must install: every peer dependency not marked optional. */
export function requiredPeers(pkg: PackageJson): string[] {
  return Object.keys(pkg.peerDependencies ?? {}).filter((name) => !pkg.peerDependenciesMeta?.[name]?.optional);
}
