import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { closesFence, documentationFiles, FENCE, REPO_ROOT } from './documentation-files.js';

/**
 * Every relative link of README.md, SECURITY.md and docs/*.md points at a file of the repository,
 * and every `#anchor` at a heading of its target, slugged as GitHub does. External links
 * (`https:`, `mailto:`) are not fetched.
 */

export interface MarkdownLink {
  /** 1-based line in its Markdown file. */
  line: number;
  target: string;
}

/** The lines of a Markdown text outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines = markdown.split(/\r?\n/);
  const prose: { line: number; text: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = FENCE.exec(lines[index]);
    if (!fence) {
      prose.push({ line: index + 1, text: lines[index] });
      continue;
    }
    index++;
    while (index < lines.length && !closesFence(lines[index], fence[2])) index++;
  }
  return prose;
}

/** GitHub's anchor of a heading: its text lower-cased, punctuation but `-` and `_` removed, each space a hyphen. */
export function headingSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings; a repeated slug gets `-1`, `-2`, ... as on GitHub. */
export function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  for (const { text } of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (!heading) continue;
    const slug = headingSlug(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.push(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The inline links, images and reference definitions of a Markdown text, outside code. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[^`][\s\S]*?\1/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: match[1] });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (definition) links.push({ line, target: definition[1] });
  }
  return links;
}

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/** One line per broken relative link of `source` (a path relative to the repository root). */
export function brokenLinks(source: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const { line, target } of markdownLinks(markdown)) {
    if (EXTERNAL.test(target)) continue;
    const where = `${source} line ${line}: ${target}`;
    if (target === '') {
      problems.push(`${source} line ${line}: an empty link`);
      continue;
    }
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = decodeURIComponent(rawPath);
    const file = path === '' ? source : path.startsWith('/') ? path.slice(1) : posix.normalize(posix.join(dirname(source), path));
    const absolute = join(REPO_ROOT, file);
    if (file.startsWith('../') || !existsSync(absolute)) {
      problems.push(`${where}: ${file} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!file.endsWith('.md') || statSync(absolute).isDirectory()) {
      problems.push(`${where}: an anchor into ${file}, which is not a Markdown file`);
      continue;
    }
    const markdownOfTarget = file === source ? markdown : readFileSync(absolute, 'utf8');
    if (!headingAnchors(markdownOfTarget).includes(decodeURIComponent(anchor))) {
      problems.push(`${where}: no heading of ${file} has the anchor #${anchor}`);
    }
  }
  return problems;
}

describe('links of README.md, SECURITY.md and docs/', () => {
  it('slugs headings as GitHub does: lower case, punctuation dropped, spaces to hyphens, repeats numbered', () => {
    assert.equal(headingSlug('POST /auth-token/refresh'), 'post-auth-tokenrefresh');
    assert.equal(headingSlug('Your HTTP adapter: Express and Fastify'), 'your-http-adapter-express-and-fastify');
    assert.equal(headingSlug("The sample app's `JWT_DEVICES_*` variables"), 'the-sample-apps-jwt_devices_-variables');
    assert.equal(headingSlug('DELETE /devices/:id'), 'delete-devicesid');
    assert.deepEqual(headingAnchors('# A\n```sh\n# not a heading\n```\n## A\n### A!\n'), ['a', 'a-1', 'a-2']);
  });

  it('reports a missing file, a missing anchor and an anchor into a file without that heading', () => {
    const problems = brokenLinks('README.md', [
      '# Top',
      '[ok](#top) [ok](docs/README.md) [ok](https://example.com/#x) `[code](nowhere.md)`',
      '[gone](docs/nowhere.md) [gone](#bottom) [gone](SECURITY.md#no-such-heading)',
    ].join('\n'));
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /docs\/nowhere\.md does not exist/);
    assert.match(problems[1], /#bottom/);
    assert.match(problems[2], /SECURITY\.md has the anchor #no-such-heading/);
  });

  it('every relative link points at an existing file, and every #anchor at one of its headings', () => {
    const files = documentationFiles();
    assert.ok(files.length > 3, `expected README.md, SECURITY.md and docs/*.md, found ${files.join(', ')}`);
    const checked = files.map((source) => ({ source, markdown: readFileSync(join(REPO_ROOT, source), 'utf8') }));
    assert.ok(checked.reduce((sum, { markdown }) => sum + markdownLinks(markdown).length, 0) > 50, 'expected the documents to link to one another');
    assert.deepEqual(checked.flatMap(({ source, markdown }) => brokenLinks(source, markdown)), []);
  });

  it('the docs/ index links to every file of docs/', () => {
    const index = readFileSync(join(REPO_ROOT, 'docs', 'README.md'), 'utf8');
    const linked = new Set(markdownLinks(index).map(({ target }) => target.split('#')[0]));
    const unlisted = documentationFiles()
      .filter((file) => file.startsWith('docs/') && file !== 'docs/README.md')
      .filter((file) => !linked.has(file.slice('docs/'.length)));
    assert.deepEqual(unlisted, [], 'not linked from docs/README.md');
  });
});
