#!/usr/bin/env node
// Runs the compiled specs with node:test and prints a spec-style report.
// Usage (after `npm run build`): node test/run.mjs [substring ...]
// The last line is always `N passed, N failed[, N skipped]`; exit 1 if any failed or none ran.
// Skipped tests and suites that skip themselves (no PostgreSQL URL, no npm) are counted and listed with their reason.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { run } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPILED_TESTS = join(ROOT, 'dist', 'test');
// Two cores: more parallel files only make database and HTTP suites fight for them.
const CONCURRENCY = Math.min(2, Math.max(1, Number(process.env.TEST_CONCURRENCY) || 2));
const FILE_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS) || 5 * 60_000;
const VERBOSE = process.env.TEST_VERBOSE === '1';
const SUMMARY_DIAGNOSTIC = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;

main().catch((error) => {
  console.log(`test runner crashed: ${error?.stack ?? error}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});

async function main() {
  // Specs and the apps they start resolve paths from the repository root, whoever calls us.
  process.chdir(ROOT);
  // Children inherit the environment: stack traces then point at the .ts sources.
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --enable-source-maps`.trim();

  const filters = process.argv.slice(2);
  const specs = findSpecs(filters);
  if (specs.length === 0) {
    console.log(filters.length ? `No spec file matches ${filters.join(', ')}.` : `No spec files under ${relative(ROOT, COMPILED_TESTS)} (did \`npm run build\` run?).`);
    finish({ passed: 0, failed: 0, skipped: 0 });
    return;
  }
  console.log(`Running ${specs.length} spec file(s), ${CONCURRENCY} at a time.\n`);

  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];
  const skips = [];
  const started = Date.now();
  const queue = [...specs];
  // One run() per file: node:test labels events with the file that declared the test
  // (a shared helper, or the .ts source under source maps), so only the stream tells whose they are.
  const worker = async () => {
    for (let spec = queue.shift(); spec; spec = queue.shift()) report(await runFile(spec), counts, failures, skips);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  printSkips(skips);
  printFailures(failures);
  console.log(`\nDuration ${formatMs(Date.now() - started)}.`);
  finish(counts);
}

/** Collects one file's results; node:test reports a test after its subtests, so parents adopt what came before. */
async function runFile(spec) {
  // pending[n]: finished tests at nesting n not yet claimed by their parent.
  const file = { spec, pending: [], output: [], diagnostics: [], ownFailure: undefined };
  for await (const { type, data } of run({ files: [spec.compiled], timeout: FILE_TIMEOUT_MS })) {
    const isFileItself = data.nesting === 0 && data.name === spec.compiled;
    if (type === 'test:stdout' || type === 'test:stderr') file.output.push(data.message);
    else if (type === 'test:diagnostic' && !SUMMARY_DIAGNOSTIC.test(data.message)) file.diagnostics.push(data.message);
    else if (type === 'test:fail' && isFileItself) file.ownFailure = data.details?.error ?? {};
    else if ((type === 'test:pass' || type === 'test:fail') && !isFileItself) addResult(file, type, data);
  }
  return file;
}

/** Compiled specs whose TypeScript source still exists (dist/ keeps deleted specs' output). */
function findSpecs(filters) {
  if (!existsSync(COMPILED_TESTS)) return [];
  const specs = [];
  for (const entry of readdirSync(COMPILED_TESTS, { recursive: true })) {
    if (!String(entry).endsWith('.spec.js')) continue;
    const compiled = join(COMPILED_TESTS, String(entry));
    const source = join('test', String(entry)).replace(/\.js$/, '.ts');
    if (!existsSync(join(ROOT, source))) {
      console.log(`Skipping stale ${relative(ROOT, compiled)}: ${source} no longer exists.`);
      continue;
    }
    const shown = source.split(sep).join('/');
    if (filters.length && !filters.some((filter) => shown.includes(filter))) continue;
    specs.push({ compiled, shown });
  }
  return specs.sort((a, b) => a.shown.localeCompare(b.shown));
}

function addResult(file, type, data) {
  const nesting = data.nesting;
  const children = file.pending[nesting + 1] ?? [];
  file.pending[nesting + 1] = [];
  (file.pending[nesting] ??= []).push({
    name: data.name,
    isSuite: data.details?.type === 'suite',
    passed: type === 'test:pass',
    skip: data.skip,
    todo: data.todo,
    durationMs: data.details?.duration_ms,
    error: data.details?.error,
    children,
  });
}

/** Counts one finished file and prints its tree, diagnostics and, when useful, its output. */
function report(file, counts, failures, skips) {
  const roots = file.pending[0] ?? [];
  const output = file.output.join('').trimEnd();
  const failedBefore = counts.failed;
  for (const node of roots) tally(node, [file.spec.shown], counts, failures, skips, undefined);
  const hint = file.ownFailure && fileFailureHint(file.ownFailure);
  // The file's own failure (crash, timeout, non-zero exit) counts only when no test in it failed.
  if (hint && counts.failed === failedBefore) {
    counts.failed += 1;
    failures.push({ path: [file.spec.shown], error: file.ownFailure, hint: output ? `${hint}; its output is printed with the file above` : hint });
  }

  console.log(`▶ ${file.spec.shown}`);
  for (const node of roots) printNode(node, 1);
  if (roots.length === 0) console.log('  (no tests reported)');
  if (hint) console.log(`  ✖ ${hint}`);
  for (const message of file.diagnostics) console.log(`  ℹ ${message.trimEnd()}`);
  if (output && (VERBOSE || counts.failed > failedBefore || roots.length === 0)) {
    for (const line of output.split('\n')) console.log(`  ┆ ${line}`);
  } else if (output) {
    console.log(`  ┆ (${output.split('\n').length} line(s) of output hidden; TEST_VERBOSE=1 shows them)`);
  }
  console.log('');
}

function fileFailureHint(error) {
  return error.failureType === 'testTimeoutFailure'
    ? `the file did not finish within ${formatMs(FILE_TIMEOUT_MS)}: a test hangs, or a server, pool or timer stays open after the tests`
    : "the file's process failed outside any test: a load error, a crash, a non-zero exit code or an error after the tests ended";
}

/**
 * Leaf tests count; a suite or parent test counts only when it failed with no failing child
 * (an after hook, say). A skipped test counts as one skip, and so does a suite that skipped itself
 * (node:test reports none of its tests). `blame` is the nearest ancestor's own failure, shown for
 * cancelled children. Returns whether anything in the subtree failed.
 */
function tally(node, parentPath, counts, failures, skips, blame) {
  const path = [...parentPath, node.name];
  const skipped = Boolean(node.skip || node.todo);
  if (skipped && node.children.length === 0) {
    counts.skipped += 1;
    countByDatabase(path, counts, 'skipped');
    skips.push({ path, reason: skipReason(node) });
    return false;
  }
  const ownError = !node.passed && node.error?.failureType !== 'subtestsFailed' ? node.error : undefined;
  if (node.children.length === 0 && !node.isSuite) {
    countByDatabase(path, counts, node.passed ? 'passed' : 'failed');
    if (node.passed) counts.passed += 1;
    else {
      counts.failed += 1;
      failures.push({ path, error: node.error, blame: node.error?.failureType === 'cancelledByParent' ? blame : undefined });
    }
    return !node.passed;
  }
  let childFailed = false;
  for (const child of node.children) childFailed = tally(child, path, counts, failures, skips, ownError ?? blame) || childFailed;
  if (!node.passed && !skipped && !childFailed) {
    counts.failed += 1;
    failures.push({ path, error: node.error });
    return true;
  }
  return childFailed;
}

/** The reason given to `skip` or `todo` (`{ skip: 'TEST_POSTGRES_URL is not set' }`), or what was asked for without one. */
function skipReason(node) {
  const reason = node.todo || node.skip;
  if (typeof reason === 'string' && reason) return reason;
  return node.todo ? 'todo' : 'no reason given';
}

/** Suites say their database as `[sqlite · express]`, `[postgres]`, or by name ("PostgreSQL behind a proxy"). */
function databaseOf(path) {
  for (const name of path) {
    const tagged = /^\[(sqlite|postgres|mariadb)\b/.exec(name);
    if (tagged) return tagged[1];
    if (/\bPostgreSQL\b/.test(name)) return 'postgres';
  }
  return undefined;
}

function countByDatabase(path, counts, outcome) {
  const database = databaseOf(path) ?? 'no database';
  counts.byDatabase ??= {};
  const entry = (counts.byDatabase[database] ??= { passed: 0, failed: 0, skipped: 0 });
  entry[outcome] += 1;
}

function printNode(node, depth) {
  const indent = '  '.repeat(depth);
  const time = node.durationMs === undefined ? '' : ` (${formatMs(node.durationMs)})`;
  const skipped = Boolean(node.skip || node.todo);
  if (node.children.length === 0 && (!node.isSuite || skipped)) {
    const mark = node.todo ? '… TODO' : skipped ? '﹣ SKIP' : node.passed ? '✔' : '✖';
    const reason = skipped ? ` # ${skipReason(node)}` : '';
    console.log(`${indent}${mark} ${node.name}${skipped ? '' : time}${reason}`);
    return;
  }
  console.log(`${indent}▶ ${node.name}`);
  for (const child of node.children) printNode(child, depth + 1);
  if (!node.passed && node.error?.failureType !== 'subtestsFailed') {
    console.log(`${indent}✖ ${node.name}: ${firstLine(describeError(node.error))}`);
  }
}

function printSkips(skips) {
  if (skips.length === 0) return;
  console.log(`Skipped (${skips.length}), so not run:`);
  // Files finish in any order; the list should read the same on every run.
  const lines = skips.map(({ path, reason }) => `  ${path.join(' › ')} # ${reason}`).sort();
  for (const line of lines) console.log(line);
  console.log('');
}

function printFailures(failures) {
  if (failures.length === 0) return;
  console.log(`Failures (${failures.length}):`);
  failures.forEach((failure, index) => {
    console.log(`\n${index + 1}) ${failure.path.join(' › ')}`);
    if (failure.hint) console.log(`   ${failure.hint}`);
    for (const line of describeError(failure.error).split('\n')) console.log(`   ${line}`);
    if (failure.blame) {
      console.log('   because the enclosing suite failed:');
      for (const line of describeError(failure.blame).split('\n')) console.log(`   ${line}`);
    }
  });
}

/** The message, the cause node:test wraps (assertion diff, hook error) and the first frames outside Node and node_modules. */
function describeError(error) {
  if (!error) return 'failed (no error reported)';
  const cause = error.cause;
  const parts = [];
  if (error.failureType && error.failureType !== 'testCodeFailure') parts.push(`${error.message} [${error.failureType}]`);
  if (cause && typeof cause === 'object') {
    parts.push(trimStack(cause.stack ?? `${cause.name ?? 'Error'}: ${cause.message}`));
    if (cause.cause?.message) parts.push(`caused by: ${cause.cause.message}`);
  } else if (cause !== undefined && cause !== error.message) parts.push(String(cause));
  else if (parts.length === 0) parts.push(trimStack(error.stack ?? error.message));
  return parts.join('\n');
}

function trimStack(stack) {
  const lines = String(stack).split('\n');
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  if (firstFrame < 0) return lines.join('\n');
  const frames = lines.slice(firstFrame).filter((line) => !/node:internal|node_modules|\(node:|at async Promise\./.test(line)).slice(0, 5);
  return [...lines.slice(0, firstFrame), ...frames.map((line) => line.trim()).map((line) => `  ${line}`)].join('\n');
}

function firstLine(text) {
  return text.split('\n')[0];
}

function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function finish({ passed, failed, skipped, byDatabase }) {
  if (passed + failed === 0) console.log('No test ran.');
  // So a CI log shows that the PostgreSQL and MariaDB suites really ran, and how many.
  for (const [database, entry] of Object.entries(byDatabase ?? {})) {
    const label = database === 'no database' ? 'other suites' : `on ${database}`;
    console.log(`  ${label}: ${entry.passed} passed, ${entry.failed} failed${entry.skipped ? `, ${entry.skipped} skipped` : ''}`);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed > 0 || passed + failed === 0 ? 1 : 0;
}
