/**
 * require() resolving from this package, for the CommonJS build (tsconfig.cjs.json), where import.meta
 * does not exist; package-require.ts is the ES module build's.
 */
export const packageRequire: NodeJS.Require = require;
