// The CommonJS build of lib/ into dist/cjs, beside the ES module build in dist/lib (tsconfig.build.json).
// dist/cjs/package.json marks its .js files as CommonJS for Node, TypeScript, Jest and bundlers, and, being
// their nearest package.json, maps #package-require to the CommonJS variant (the root package.json maps it for dist/lib).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'cjs');

rmSync(OUT, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.cjs.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const scope = { type: 'commonjs', imports: { '#package-require': './platform/package-require.commonjs.js' } };
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify(scope, null, 2)}\n`);
