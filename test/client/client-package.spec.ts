import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { readRepoPackageJson, REPO_ROOT, type ExportConditions } from '../package/repo-package.js';
import { scanImports } from '../package/source-imports.js';

const CLIENT = join(REPO_ROOT, 'lib', 'client');

describe('the client entry point, nestjs-jwt-devices/client', () => {
  it('imports only its own files: no other part of lib/, no package, no Node built-in', () => {
    const imports = scanImports(CLIENT, REPO_ROOT);
    assert.ok(imports.length > 0, 'the scanner found no import in lib/client/');
    const foreign = imports.filter(({ file, specifier }) => {
      if (!specifier.startsWith('./')) return true;
      return relative(CLIENT, resolve(REPO_ROOT, dirname(file), specifier)).startsWith('..');
    });
    assert.deepEqual(foreign.map(({ file, specifier }) => `${file}: ${specifier}`), []);
  });

  it("is exported as ./client with types first, both targets built", () => {
    const entry = readRepoPackageJson().exports?.['./client'] as ExportConditions | undefined;
    assert.equal(typeof entry, 'object', "exports['./client'] must be an object of conditions");
    assert.equal(Object.keys(entry!)[0], 'types');
    assert.equal(entry!.types, './dist/lib/client/index.d.ts');
    assert.equal(entry!.default, './dist/lib/client/index.js');
    for (const target of [entry!.types!, entry!.default!]) assert.ok(existsSync(join(REPO_ROOT, target)), `${target} is missing: run the build first`);
  });

  it('is built as ES modules that load nothing but each other', () => {
    const built = readFileSync(join(REPO_ROOT, 'dist', 'lib', 'client', 'jwt-devices-client.js'), 'utf8');
    assert.match(built, /^export class JwtDevicesClient/m);
    assert.doesNotMatch(built, /\brequire\(|from ['"](?!\.\/)/);
  });
});
