import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from the compiled file in dist/test/docs/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The Markdown a reader meets, relative to the repository root: README.md, SECURITY.md, then
 * docs/*.md by name. The order matters to the samples: a later file's samples may import the
 * README's (`./users.service.js`), whose file names are assigned first.
 */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'SECURITY.md', ...docs];
}

/** A fenced code block's opening line: its indent, its fence, and its language. */
export const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;

/** Whether `line` closes a block opened with `marker`. */
export function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(marker) && trimmed.replace(/[`~]/g, '') === '';
}
