import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { installedVersion, readRepoPackageJson, REPO_ROOT, type ExportConditions, type PackageJson } from './repo-package.js';
import { importsOfFile, packageNameOf, scanImports, type SourceImport } from './source-imports.js';

const LIB = join(REPO_ROOT, 'lib');
const pkg = readRepoPackageJson();
const dependencies = pkg.dependencies ?? {};
const peers = pkg.peerDependencies ?? {};
const optionalPeers = Object.keys(peers).filter((name) => pkg.peerDependenciesMeta?.[name]?.optional);
const libImports = scanImports(LIB, REPO_ROOT);

/** `name: file, file` lines, one per package, for readable failures. */
function byPackage(imports: SourceImport[]): string[] {
  const files = new Map<string, Set<string>>();
  for (const { specifier, file } of imports) {
    const name = packageNameOf(specifier) ?? specifier;
    files.set(name, (files.get(name) ?? new Set()).add(file));
  }
  return [...files].map(([name, where]) => `${name}: ${[...where].join(', ')}`).sort();
}

/** Whether `version` satisfies one of the caret ranges of `^a.b.c || ^x.y.z` (for 0.y.z, only patches of 0.y); false if any part is not a caret range. */
function satisfiesCaretRanges(version: string, range: string): boolean {
  const alternatives = range.split('||').map((part) => part.trim());
  return alternatives.every((part) => /^\^\d+\.\d+\.\d+$/.test(part)) && alternatives.some((part) => satisfiesCaret(version, part));
}

function satisfiesCaret(version: string, range: string): boolean {
  const floor = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range)?.slice(1).map(Number);
  const actual = /^(\d+)\.(\d+)\.(\d+)$/.exec(version)?.slice(1).map(Number);
  if (!floor || !actual) return false;
  const [major, minor, patch] = actual;
  if (major !== floor[0] || (floor[0] === 0 && minor !== floor[1])) return false;
  return minor > floor[1] || (minor === floor[1] && patch >= floor[2]);
}

/** A package ships its own declarations when its package.json names them or an index.d.ts sits at its root. */
function shipsOwnTypes(name: string): boolean {
  const root = join(REPO_ROOT, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  return Boolean(manifest.types ?? manifest.typings) || JSON.stringify(manifest.exports ?? {}).includes('"types"') ||
    existsSync(join(root, 'index.d.ts'));
}

/** The imports of every declaration file a consumer's compiler loads: the types entry and what it reaches through relative imports. */
function reachableDeclarationImports(entry: string): SourceImport[] {
  const found: SourceImport[] = [];
  const queue = [join(REPO_ROOT, entry)];
  const seen = new Set(queue);
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const imported of importsOfFile(file, join(REPO_ROOT, 'dist'))) {
      if (!imported.specifier.startsWith('.')) {
        found.push(imported);
        continue;
      }
      const target = resolve(dirname(file), imported.specifier).replace(/\.js$/, '.d.ts');
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return found;
}

describe('package.json against what lib/ imports', () => {
  it('finds the imports it checks (the scanner reads lib/)', () => {
    assert.ok(libImports.some(({ specifier }) => specifier === '@nestjs/common'), 'no @nestjs/common import found in lib/');
  });

  it('declares every package lib/ imports as a dependency or a peer dependency (node: builtins aside)', () => {
    const undeclared = libImports.filter(({ specifier }) => {
      const name = packageNameOf(specifier);
      return name !== undefined && !(name in dependencies) && !(name in peers);
    });
    assert.deepEqual(byPackage(undeclared), [], 'imported by lib/ but in neither dependencies nor peerDependencies');
  });

  it('declares no dependency that lib/ does not import (an @types/x dependency counts when lib/ imports x)', () => {
    const imported = new Set(libImports.map(({ specifier }) => packageNameOf(specifier)).filter((name) => name !== undefined));
    const typesFor = (name: string) => name.replace(/^@types\//, '').replace(/^(.+)__(.+)$/, '@$1/$2');
    const unused = Object.keys(dependencies).filter((name) => !imported.has(name) && !(name.startsWith('@types/') && imported.has(typesFor(name))));
    assert.deepEqual(unused, [], 'in dependencies but never imported by lib/');
  });

  it('has no package in both dependencies and peerDependencies', () => {
    assert.deepEqual(Object.keys(dependencies).filter((name) => name in peers), []);
  });

  it('loads optional peers only through import() or type-only imports, so apps without them still boot', () => {
    const eager = libImports.filter(({ specifier, kind }) => optionalPeers.includes(packageNameOf(specifier) ?? '') && (kind === 'static' || kind === 'require'));
    assert.deepEqual(byPackage(eager), [], 'optional peers imported eagerly');
  });

  it('imports nothing from outside lib/ (the package ships its builds of lib/ only)', () => {
    const outside = libImports.filter(({ file, specifier }) => {
      if (!specifier.startsWith('.')) return false;
      return relative(LIB, resolve(REPO_ROOT, dirname(file), specifier)).startsWith('..');
    });
    assert.deepEqual(outside.map(({ file, specifier }) => `${file}: ${specifier}`), []);
  });
});

/** The `import` and `require` conditions of an exports entry, each `{ types, default }`. */
function formatsOf(entry: Record<string, ExportConditions>): Record<'import' | 'require', ExportConditions> {
  return { import: entry.import, require: entry.require };
}

describe('package.json against the build', () => {
  const root = formatsOf(pkg.exports?.['.'] as Record<string, ExportConditions>);
  const targets = [root.import, root.require].flatMap((format) => [format?.types, format?.default]).filter((target) => target !== undefined);
  const cjsScope = join(REPO_ROOT, 'dist', 'cjs', 'package.json');

  it("has exports['.'] with an import (dist/lib) and a require (dist/cjs) condition, each with types first, and main/types naming the CommonJS build", () => {
    assert.deepEqual(Object.keys(pkg.exports?.['.'] as object), ['import', 'require']);
    for (const [condition, directory] of [['import', 'lib'], ['require', 'cjs']] as const) {
      const format = root[condition];
      assert.equal(typeof format, 'object', `exports['.'].${condition} must be an object of conditions`);
      // Node and TypeScript pick the first matching condition: types must come first.
      assert.deepEqual(Object.keys(format), ['types', 'default']);
      assert.match(format.types ?? '', new RegExp(`^\\./dist/${directory}/.+\\.d\\.ts$`));
      assert.match(format.default ?? '', new RegExp(`^\\./dist/${directory}/.+\\.js$`));
    }
    // Resolvers without exports (TypeScript's node10, old bundlers) take main and types: the CommonJS build, which loads everywhere.
    assert.equal(pkg.main, root.require.default);
    assert.equal(pkg.types, root.require.types);
  });

  it('has every export target on disk after the build, dist/cjs marked CommonJS', () => {
    for (const target of targets) assert.ok(existsSync(join(REPO_ROOT, target)), `${target} is missing: run the build first`);
    assert.equal((JSON.parse(readFileSync(cjsScope, 'utf8')) as { type?: string }).type, 'commonjs');
  });

  it("maps every # import of lib/ in both builds: package.json's imports for dist/lib, dist/cjs/package.json's for dist/cjs", () => {
    const cjsImports = (JSON.parse(readFileSync(cjsScope, 'utf8')) as PackageJson).imports ?? {};
    const specifiers = [...new Set(libImports.map(({ specifier }) => specifier).filter((specifier) => specifier.startsWith('#')))];
    assert.ok(specifiers.length > 0, 'no # import found in lib/');
    for (const specifier of specifiers) {
      const esm = pkg.imports?.[specifier];
      const cjs = cjsImports[specifier];
      assert.equal(typeof esm, 'string', `${specifier} is not in package.json imports`);
      assert.equal(typeof cjs, 'string', `${specifier} is not in dist/cjs/package.json imports`);
      assert.match(esm as string, /^\.\/dist\/lib\//);
      assert.ok(existsSync(join(REPO_ROOT, esm as string)), `${esm} is missing`);
      assert.ok(existsSync(join(REPO_ROOT, 'dist', 'cjs', cjs as string)), `dist/cjs/${cjs} is missing`);
    }
  });

  it('publishes the export targets through files, and nothing but dist/lib, dist/cjs and the docs', () => {
    const files = pkg.files ?? [];
    const covered = (target: string) => files.some((entry) => {
      const normalized = entry.replace(/^\.\//, '').replace(/\/$/, '');
      const path = target.replace(/^\.\//, '');
      return path === normalized || path.startsWith(`${normalized}/`);
    });
    for (const target of targets) assert.ok(covered(target), `files does not cover ${target}`);
    assert.deepEqual(files.filter((entry) => !['dist/lib', 'dist/cjs', 'README.md', 'SECURITY.md', 'docs', 'LICENSE'].includes(entry)), []);
    assert.ok(existsSync(join(REPO_ROOT, 'LICENSE')), 'LICENSE is missing');
  });

  for (const condition of ['import', 'require'] as const) {
    it(`ships types for every package the ${condition} build's public declarations import: its own, or an @types package in dependencies`, () => {
      const declarationImports = reachableDeclarationImports(root[condition].types!);
      assert.ok(declarationImports.length > 0, `no imports reached from ${root[condition].types}: run the build first`);
      const untyped = declarationImports.filter(({ specifier }) => {
        const name = packageNameOf(specifier);
        if (name === undefined || optionalPeers.includes(name)) return false;
        return !shipsOwnTypes(name) && !(`@types/${name.replace(/^@(.+)\/(.+)$/, '$1__$2')}` in dependencies);
      });
      assert.deepEqual(byPackage(untyped), [], 'a TypeScript app compiled without skipLibCheck fails on these');
    });

    it(`never names an optional peer in the ${condition} build's public declarations (apps without it would fail to type-check)`, () => {
      const declarationImports = reachableDeclarationImports(root[condition].types!);
      assert.deepEqual(byPackage(declarationImports.filter(({ specifier }) => optionalPeers.includes(packageNameOf(specifier) ?? ''))), []);
    });
  }
});

describe('package.json metadata', () => {
  it('gives every peer caret ranges, one of them covering the version the tests run on, and installs it as a devDependency', () => {
    const problems: string[] = [];
    for (const [name, range] of Object.entries(peers)) {
      const version = installedVersion(name);
      if (!(name in (pkg.devDependencies ?? {}))) problems.push(`${name}: not a devDependency, so no test runs against it`);
      if (version === undefined) problems.push(`${name}: not installed`);
      else if (!satisfiesCaretRanges(version, range)) problems.push(`${name}: installed ${version} is outside ${range}, or a part of it is not a caret range`);
    }
    assert.deepEqual(problems, []);
  });

  it('accepts NestJS 11 and 12 and TypeORM 0.3 and 1, the lines the consumer apps install', () => {
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', '@nestjs/passport', '@nestjs/jwt']) {
      assert.equal(peers[name], '^11.0.0 || ^12.0.0', name);
    }
    assert.equal(peers.typeorm, '^0.3.31 || ^1.0.0');
  });

  it('requires Node 20 or later: the CommonJS build needs no require() of ES modules, and no dependency of its own asks for more', () => {
    assert.equal(pkg.engines?.node, '>=20.0.0');
  });

  it('does not claim sideEffects: false, since loading lib/ registers TypeORM and class-validator metadata', () => {
    assert.equal(pkg.sideEffects, undefined);
  });

  it('builds the library before packing', () => {
    assert.match(pkg.scripts?.prepack ?? '', /build:lib/);
    assert.match(pkg.scripts?.['build:lib'] ?? '', /tsc -p tsconfig\.build\.json && node scripts\/build-cjs\.mjs/);
  });
});
