import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NPM_AVAILABLE, packInto, stageRepository } from './npm-commands.js';
import { readRepoPackageJson } from './repo-package.js';

/** Each build leaves out the other's variant of #package-require. */
const ONLY_IN = { lib: 'platform/package-require.commonjs', cjs: 'platform/package-require' };

function listFiles(directory: string, suffix: string): string[] {
  return readdirSync(directory, { recursive: true }).map(String).filter((entry) => entry.endsWith(suffix)).map((entry) => entry.split('\\').join('/'));
}

function tarFile(tarball: string, file: string): string {
  return spawnSync('tar', ['-xOzf', tarball, `package/${file}`], { encoding: 'utf8' }).stdout;
}

// The consumer-*.spec.ts suites install the tarball into apps and run them; this one checks what npm pack puts in it.
describe('npm pack of the package', { skip: NPM_AVAILABLE ? false : 'npm is not on PATH' }, () => {
  const pkg = readRepoPackageJson();
  let work: string;
  let tarball: string | undefined;
  let entries: string[] = [];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'jwt-devices-pack-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs prepack, which builds both dist/lib (ES modules) and dist/cjs (CommonJS)', { timeout: 150_000 }, async () => {
    // Packed from a copy without dist/: prepack must build what files ships, and it empties dist/lib, which the specs beside this one load.
    const stage = join(work, 'stage');
    stageRepository(stage, { withBuild: false });
    const packed = await packInto(stage, join(work, 'packed'), [], 145_000);
    assert.ok(packed.tarball, packed.output);
    assert.equal(packed.tarball.endsWith(`${pkg.name}-${pkg.version}.tgz`), true);
    tarball = packed.tarball;
    const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    entries = listing.stdout.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));
  });

  for (const build of ['lib', 'cjs'] as const) {
    it(`packs a .js and a .d.ts in dist/${build} for every lib/ module`, () => {
      assert.ok(tarball, 'no tarball: npm pack failed above');
      const modules = listFiles(join(work, 'stage', 'lib'), '.ts').map((file) => file.replace(/\.ts$/, '')).filter((module) => module !== ONLY_IN[build]);
      const missing = modules.flatMap((module) => [`dist/${build}/${module}.js`, `dist/${build}/${module}.d.ts`]).filter((file) => !entries.includes(file));
      assert.deepEqual(missing, [], `modules of lib/ missing from dist/${build} in the tarball`);
    });
  }

  it('marks dist/cjs as CommonJS and maps its #package-require to the CommonJS variant', () => {
    assert.ok(tarball, 'no tarball: npm pack failed above');
    assert.deepEqual(JSON.parse(tarFile(tarball, 'dist/cjs/package.json')), {
      type: 'commonjs',
      imports: { '#package-require': './platform/package-require.commonjs.js' },
    });
    assert.match(tarFile(tarball, 'dist/cjs/index.js'), /^"use strict";/);
    assert.doesNotMatch(tarFile(tarball, 'dist/cjs/http/openapi.js'), /import\.meta/);
  });

  it('packs nothing but dist/lib, dist/cjs, the docs (pages and their images) and the license', () => {
    assert.ok(tarball, 'no tarball: npm pack failed above');
    const docs = ['package.json', 'README.md', 'SECURITY.md', 'LICENSE'];
    // docs/ ships so that the README's links into it work offline too, with the screenshots the pages show.
    const isDocsPage = (entry: string) => /^docs\/[\w.-]+\.md$/.test(entry) || /^docs\/images\/[\w.-]+\.png$/.test(entry);
    const isBuild = (entry: string) => entry.startsWith('dist/lib/') || entry.startsWith('dist/cjs/');
    assert.deepEqual(entries.filter((entry) => !isBuild(entry) && !docs.includes(entry) && !isDocsPage(entry)), [], 'unexpected files in the tarball');
    assert.ok(entries.includes('LICENSE') && entries.includes('README.md'), 'LICENSE and README.md must be packed');
    assert.ok(entries.includes('docs/README.md') && entries.includes('docs/security-model.md'), 'docs/, which README.md and SECURITY.md link to, must be packed');
  });

  it('runs nothing when installed (no install scripts)', () => {
    assert.ok(tarball, 'no tarball: npm pack failed above');
    const manifest = JSON.parse(tarFile(tarball, 'package.json')) as { scripts?: Record<string, string> };
    assert.deepEqual(['preinstall', 'install', 'postinstall'].filter((name) => manifest.scripts?.[name]), [], 'the package must run nothing when installed');
  });
});
