import { startBenchApp } from './apps/bench-app.js';
import { startDocsRecipe } from './apps/docs-recipe.js';
import type { LaunchContext } from './apps/launch.js';
import { startMinimalGuard } from './apps/minimal-guard.js';
import { sampleAppId, startSampleApp } from './apps/sample-app.js';
import type { BenchOptions } from './cli-options.js';
import { FINDINGS_FILE, RESULTS_FILE } from './paths.js';
import { commandLine } from './report/command-line.js';
import { loadAverage, readMachine } from './report/machine.js';
import { readFindings, targetsTable, writeResultsFile } from './report/results-file.js';
import { resultsTable } from './report/table.js';
import { checkTargets } from './report/targets.js';
import { runRounds } from './rounds.js';
import type { Scenario } from './scenario.js';
import { postgresServerUrl } from './seed/postgres-database.js';

/** `npm run bench`: every app under test up at once, interleaved rounds, then the table, targets and results.md. */
export async function runThroughputBench(options: BenchOptions, context: LaunchContext, args: readonly string[]): Promise<void> {
  // Before any server starts: a missing URL should cost nothing.
  if (options.databases.includes('postgres')) postgresServerUrl(process.env);
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const scenarios = selected(await startApps(options, context), options.only);
  console.log(`\n${scenarios.length} scenarios: ${options.rounds} rounds x ${options.durationSeconds} s, ${options.connections} connections\n`);
  const results = await runRounds(scenarios, options);
  const targets = checkTargets(results, options);
  console.log(`\n${resultsTable(results)}\n\n${targetsTable(targets)}\n`);

  // A partial or profiled run would replace the full figures with skewed ones.
  if (options.only.length > 0 || options.cpuProfile) {
    console.log(`${RESULTS_FILE} left as it was (--only and --cpu-prof runs are diagnostic)`);
    return;
  }
  writeResultsFile(RESULTS_FILE, {
    machine: readMachine(),
    pinning: context.pinning,
    command: commandLine(args),
    options,
    startedAt,
    loadAtStart,
    loadAtEnd: loadAverage(),
    results,
    targets,
    findings: readFindings(FINDINGS_FILE),
  });
  console.log(`wrote ${RESULTS_FILE}`);
}

/**
 * One sample-app process per database and device count, the smallest count also serving GET /public
 * (the others are compared with it), one more with the caches and Redis invalidation on, and the minimal
 * two-lookup guard app on the same database; the bench
 * app and the docs recipe with SQLite.
 */
async function startApps(options: BenchOptions, context: LaunchContext): Promise<Scenario[]> {
  const fewest = Math.min(...options.devices);
  // Each run (warm-up and rounds) drops at most one chain per connection: the one in flight when it stops.
  const refreshChains = 2 * (options.rounds + 1) * options.connections;
  const scenarios: Scenario[] = [];
  for (const database of options.databases) {
    for (const devices of [...options.devices].sort((a, b) => a - b)) {
      scenarios.push(
        ...(await startSampleApp(context, {
          database,
          devices,
          withPublic: devices === fewest,
          refreshChains,
          baselineAppId: sampleAppId(database, fewest),
        })),
      );
    }
    scenarios.push(
      ...(await startSampleApp(context, {
        database,
        devices: fewest,
        withPublic: true,
        refreshChains: 0,
        baselineAppId: sampleAppId(database, fewest, true),
        cached: true,
      })),
    );
    scenarios.push(...(await startMinimalGuard(context, database)));
  }
  if (options.databases.includes('sqlite')) {
    scenarios.push(...(await startBenchApp(context)), ...(await startDocsRecipe(context)));
  }
  return scenarios;
}

function selected(scenarios: Scenario[], only: readonly string[]): Scenario[] {
  if (only.length === 0) return scenarios;
  const kept = scenarios.filter((scenario) => only.some((part) => scenario.id.includes(part)));
  if (kept.length === 0) throw new Error(`--only=${only.join(',')} matches none of: ${scenarios.map((scenario) => scenario.id).join(', ')}`);
  return kept;
}
