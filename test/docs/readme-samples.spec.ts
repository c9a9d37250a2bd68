import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { closesFence, documentationFiles, FENCE, REPO_ROOT } from './documentation-files.js';

/**
 * Every ```ts / ```typescript block of README.md, SECURITY.md and docs/*.md must compile against
 * the built package.
 *
 * Each block becomes its own file under test/docs/.samples/ (git-ignored; TypeScript's `**`
 * globs skip dot-folders, so the repository's own build never picks it up). All files' blocks
 * form one project, README.md's first, so a sample in docs/ may import the README's
 * (`./users.service.js`). A block whose first line is a path comment (`// src/app.module.ts`,
 * optionally followed by a note in parentheses) is written to that path, so blocks can import
 * one another as the documents show; when a path is already taken, the block gets a numbered
 * sibling (`src/app.module.2.ts`). Other blocks become `sample-NN.ts`. A block preceded by
 * `<!-- fragment -->` (blank lines between are allowed) is deliberately incomplete and skipped.
 *
 * The samples import `nestjs-jwt-devices` by name: no package.json sits between them and the
 * repository's, so Node's and TypeScript's package self-reference resolve it through the `exports`
 * of package.json to dist/lib, which the build produced before the tests run.
 */

const SAMPLES_DIR = join(REPO_ROOT, 'test', 'docs', '.samples');
const TSC = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
const BUILT_TYPES = join(REPO_ROOT, 'dist', 'lib', 'index.d.ts');
const FRAGMENT_MARKER = '<!-- fragment -->';
/** Fragments are for the odd sketch; documents that need more have samples that should compile. */
const MAX_FRAGMENTS = 3;

export interface ReadmeBlock {
  /** The Markdown file it comes from, relative to the repository root. */
  source: string;
  /** 1-based line of the block's first code line in its Markdown file. */
  line: number;
  code: string;
  fragment: boolean;
}

export interface Sample extends ReadmeBlock {
  /** Where the block is written, relative to the samples folder, with forward slashes. */
  file: string;
}

/** The ```ts and ```typescript blocks of a Markdown text, in order, and the lines of stray fragment markers. */
export function extractTypeScriptBlocks(markdown: string, source = 'README.md'): { blocks: ReadmeBlock[]; strayMarkers: number[] } {
  const lines = markdown.split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  const strayMarkers: number[] = [];
  let pendingMarker: number | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index];
    if (text.trim() === FRAGMENT_MARKER) {
      if (pendingMarker !== undefined) strayMarkers.push(pendingMarker);
      pendingMarker = index + 1;
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (text.trim() !== '' && pendingMarker !== undefined) {
        strayMarkers.push(pendingMarker);
        pendingMarker = undefined;
      }
      continue;
    }
    // Any fenced block, whatever its language, is skipped whole so its contents are never read as Markdown.
    const [, , marker, language] = fence;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !closesFence(lines[end], marker)) {
      body.push(lines[end]);
      end++;
    }
    const isTypeScript = ['ts', 'typescript'].includes(language.toLowerCase());
    if (isTypeScript) blocks.push({ source, line: index + 2, code: body.join('\n'), fragment: pendingMarker !== undefined });
    else if (pendingMarker !== undefined) strayMarkers.push(pendingMarker);
    pendingMarker = undefined;
    index = end;
  }
  if (pendingMarker !== undefined) strayMarkers.push(pendingMarker);
  return { blocks, strayMarkers };
}

/** Gives each compiled block its file name, from its leading path comment when it has one. */
export function assignFiles(blocks: readonly ReadmeBlock[]): Sample[] {
  const taken = new Set<string>();
  return blocks
    .filter((block) => !block.fragment)
    .map((block, index) => {
      const named = /^\s*\/\/\s*([\w./-]+\.ts)\b/.exec(block.code.split('\n')[0] ?? '');
      let file = named ? normalize(named[1]).split(sep).join('/') : `sample-${String(index + 1).padStart(2, '0')}.ts`;
      if (file.startsWith('../') || file.startsWith('/')) file = `sample-${String(index + 1).padStart(2, '0')}.ts`;
      for (let copy = 2; taken.has(file); copy++) file = file.replace(/(\.\d+)?\.ts$/, `.${copy}.ts`);
      taken.add(file);
      return { ...block, file };
    });
}

const SAMPLES_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    noEmit: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
  },
  include: ['**/*.ts'],
};

interface TscResult {
  code: number;
  output: string;
}

function runTsc(project: string): Promise<TscResult> {
  return new Promise((resolve, reject) => {
    execFile(TSC, ['-p', project, '--pretty', 'false'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** tsc's diagnostics, each followed by the Markdown line it comes from. */
function withMarkdownLines(output: string, samples: readonly Sample[]): string {
  const byFile = new Map(samples.map((sample) => [sample.file, sample]));
  return output
    .split('\n')
    .map((line) => {
      const located = /^(.+?\.ts)\((\d+),(\d+)\)/.exec(line);
      if (!located) return line;
      const file = relative(SAMPLES_DIR, join(REPO_ROOT, located[1])).split(sep).join('/');
      const sample = byFile.get(file);
      return sample ? `${line}\n    (${sample.source} line ${sample.line + Number(located[2]) - 1})` : line;
    })
    .join('\n');
}

describe('TypeScript samples of README.md, SECURITY.md and docs/', () => {
  const blocks: ReadmeBlock[] = [];
  const strayMarkers: string[] = [];
  for (const source of documentationFiles()) {
    const found = extractTypeScriptBlocks(readFileSync(join(REPO_ROOT, source), 'utf8'), source);
    blocks.push(...found.blocks);
    strayMarkers.push(...found.strayMarkers.map((line) => `${source} line ${line}`));
  }
  const samples = assignFiles(blocks);
  const fragments = blocks.filter((block) => block.fragment);

  it('has TypeScript samples, a few fragments at most, and no fragment marker without a ts block after it', () => {
    const inReadme = samples.filter((sample) => sample.source === 'README.md').length;
    assert.ok(inReadme >= 2, `expected the README's quick start and client recipe, found ${inReadme} samples`);
    assert.ok(samples.length >= 20, `expected the samples of README.md and docs/, found ${samples.length}`);
    assert.ok(fragments.length <= MAX_FRAGMENTS, `${fragments.length} fragments (${fragments.map((block) => `${block.source} line ${block.line}`).join(', ')}); keep them to ${MAX_FRAGMENTS}`);
    assert.deepEqual(strayMarkers, [], `${FRAGMENT_MARKER} not followed by a ts block`);
  });

  it('every sample compiles with tsc (strict, nodenext, decorators) against the built package', { timeout: 180_000 }, async () => {
    assert.ok(existsSync(BUILT_TYPES), `${relative(REPO_ROOT, BUILT_TYPES)} is missing: build first (npx tsc -p tsconfig.json)`);
    assert.ok(existsSync(TSC), `${relative(REPO_ROOT, TSC)} is missing: run npm install`);
    rmSync(SAMPLES_DIR, { recursive: true, force: true });
    for (const sample of samples) {
      const target = join(SAMPLES_DIR, sample.file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${sample.code}\n`);
    }
    const project = join(SAMPLES_DIR, 'tsconfig.json');
    writeFileSync(project, `${JSON.stringify(SAMPLES_TSCONFIG, null, 2)}\n`);

    const { code, output } = await runTsc(project);
    const listing = samples.map((sample) => `  ${sample.file} <- ${sample.source} line ${sample.line}`).join('\n');
    assert.equal(
      code,
      0,
      `tsc exited with ${code} on the documentation samples in ${relative(REPO_ROOT, SAMPLES_DIR)}:\n${withMarkdownLines(output, samples)}\n\nSamples:\n${listing}`,
    );
    // Kept on failure for a look; nothing to see when all is well.
    rmSync(SAMPLES_DIR, { recursive: true, force: true });
  });
});
