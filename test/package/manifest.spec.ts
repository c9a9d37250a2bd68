import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { installedVersion, readRepoPackageJson, REPO_ROOT, type ExportConditions } from './repo-package.js';
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

/** Whether `version` satisfies a caret range `^x.y.z` (for 0.y.z, only patches of 0.y). */
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

  it('imports nothing from outside lib/ (the package ships dist/lib only)', () => {
    const outside = libImports.filter(({ file, specifier }) => {
      if (!specifier.startsWith('.')) return false;
      return relative(LIB, resolve(REPO_ROOT, dirname(file), specifier)).startsWith('..');
    });
    assert.deepEqual(outside.map(({ file, specifier }) => `${file}: ${specifier}`), []);
  });
});

describe('package.json against the build', () => {
  const root = pkg.exports?.['.'] as ExportConditions | undefined;

  it("has exports['.'] with types and default, both in dist/lib, and main/types agreeing with them", () => {
    assert.equal(typeof root, 'object', "exports['.'] must be an object of conditions");
    assert.match(root!.types ?? '', /^\.\/dist\/lib\/.+\.d\.ts$/);
    assert.match(root!.default ?? '', /^\.\/dist\/lib\/.+\.js$/);
    // Node and TypeScript pick the first matching condition: types must come first.
    assert.equal(Object.keys(root!)[0], 'types');
    assert.equal(pkg.main, root!.default);
    assert.equal(pkg.types, root!.types);
  });

  it("has both export targets on disk after the build", () => {
    for (const target of [root!.types!, root!.default!]) {
      assert.ok(existsSync(join(REPO_ROOT, target)), `${target} is missing: run the build first`);
    }
  });

  it('publishes the export targets through files, and nothing but dist/lib and the docs', () => {
    const files = pkg.files ?? [];
    const covered = (target: string) => files.some((entry) => {
      const normalized = entry.replace(/^\.\//, '').replace(/\/$/, '');
      const path = target.replace(/^\.\//, '');
      return path === normalized || path.startsWith(`${normalized}/`);
    });
    for (const target of [root!.types!, root!.default!]) assert.ok(covered(target), `files does not cover ${target}`);
    assert.deepEqual(files.filter((entry) => !['dist/lib', 'README.md', 'SECURITY.md', 'docs', 'LICENSE'].includes(entry)), []);
    assert.ok(existsSync(join(REPO_ROOT, 'LICENSE')), 'LICENSE is missing');
  });

  it('ships types for every package its public declarations import: its own, or an @types package in dependencies', () => {
    const declarationImports = reachableDeclarationImports(root!.types!);
    assert.ok(declarationImports.length > 0, `no imports reached from ${root!.types}: run the build first`);
    const untyped = declarationImports.filter(({ specifier }) => {
      const name = packageNameOf(specifier);
      if (name === undefined || optionalPeers.includes(name)) return false;
      return !shipsOwnTypes(name) && !(`@types/${name.replace(/^@(.+)\/(.+)$/, '$1__$2')}` in dependencies);
    });
    assert.deepEqual(byPackage(untyped), [], 'a TypeScript app compiled without skipLibCheck fails on these');
  });

  it('never names an optional peer in its public declarations (apps without it would fail to type-check)', () => {
    const declarationImports = reachableDeclarationImports(root!.types!);
    assert.deepEqual(byPackage(declarationImports.filter(({ specifier }) => optionalPeers.includes(packageNameOf(specifier) ?? ''))), []);
  });
});

describe('package.json metadata', () => {
  it('gives every peer a caret range of the major the tests run on, and installs it as a devDependency', () => {
    const problems: string[] = [];
    for (const [name, range] of Object.entries(peers)) {
      const version = installedVersion(name);
      if (!(name in (pkg.devDependencies ?? {}))) problems.push(`${name}: not a devDependency, so no test runs against it`);
      if (version === undefined) problems.push(`${name}: not installed`);
      else if (!satisfiesCaret(version, range)) problems.push(`${name}: installed ${version} is outside ${range}`);
    }
    assert.deepEqual(problems, []);
  });

  it('requires Node 20.19 or later, the first Node 20 whose require() loads this ES module package', () => {
    assert.equal(pkg.engines?.node, '>=20.19.0');
  });

  it('does not claim sideEffects: false, since loading lib/ registers TypeORM and class-validator metadata', () => {
    assert.equal(pkg.sideEffects, undefined);
  });

  it('builds the library before packing', () => {
    assert.match(pkg.scripts?.prepack ?? '', /build:lib/);
    assert.match(pkg.scripts?.['build:lib'] ?? '', /tsc -p tsconfig\.build\.json/);
  });
});
