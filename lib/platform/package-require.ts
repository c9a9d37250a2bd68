import { createRequire } from 'node:module';

/**
 * require() resolving from this package, for the ES module build. Loaded through the `#package-require`
 * import of package.json, whose `require` condition picks package-require.commonjs.ts in the CommonJS build.
 */
export const packageRequire: NodeJS.Require = createRequire(import.meta.url);
