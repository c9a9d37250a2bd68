import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'nestjs-jwt-devices';

/** The repository root: found by walking up to our package.json, so it is right from sample-app/ and dist/sample-app/. */
export function findRepoRoot(startDirectory: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let directory = startDirectory; ; directory = dirname(directory)) {
    if (isOurPackageRoot(directory)) return directory;
    if (dirname(directory) === directory) return process.cwd();
  }
}

function isOurPackageRoot(directory: string): boolean {
  const file = join(directory, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

export const REPO_ROOT = findRepoRoot();
export const DEFAULT_SQLITE_PATH = join(REPO_ROOT, 'sample-app', 'data', 'sample.sqlite');
