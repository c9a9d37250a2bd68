import type { BenchOptions } from '../cli-options.js';
import { BENCH_APP_ID } from '../apps/bench-app.js';
import { DOCS_RECIPE_ID } from '../apps/docs-recipe.js';
import { minimalGuardId } from '../apps/minimal-guard.js';
import { sampleAppId } from '../apps/sample-app.js';
import type { ScenarioResult } from '../rounds.js';
import { formatPairedRatio, pairedRatio } from './paired-ratio.js';

export interface TargetCheck {
  target: string;
  /** The measured ratio and what it compares, or why it was not measured. */
  measured: string;
  /** null: not measured in this run; 'floor': a reference figure, not a target. */
  holds: boolean | null | 'floor';
}

interface Target {
  target: string;
  subject: string;
  reference: string;
  atLeast: number;
  /** Which flags measure it, for the "not measured" answer. */
  needs: string;
  /** A reference figure (what the fastest possible guard reaches here), not a target. */
  floor?: boolean;
}

/** The issue's targets, each a ratio of two scenarios of one run, paired round by round. */
export function checkTargets(results: readonly ScenarioResult[], options: BenchOptions): TargetCheck[] {
  const fewest = Math.min(...options.devices);
  const most = Math.max(...options.devices);
  const sqlite = sampleAppId('sqlite', fewest);
  const sqliteMost = sampleAppId('sqlite', most);
  const postgres = sampleAppId('postgres', fewest);
  const targets: Target[] = [
    { target: 'guarded GET >= 0.85 x unguarded GET of the same app (SQLite, deviceCacheTtl 0)', subject: `${sqlite}/profile`, reference: `${sqlite}/public`, atLeast: 0.85, needs: '--db=sqlite' },
    { target: "guarded GET >= 3 x the docs recipe's guarded GET", subject: `${sqlite}/profile`, reference: `${DOCS_RECIPE_ID}/profile`, atLeast: 3, needs: '--db=sqlite' },
    { target: 'device refresh with rotation >= 0.5 x unguarded GET (SQLite WAL)', subject: `${sqlite}/refresh`, reference: `${sqlite}/public`, atLeast: 0.5, needs: '--db=sqlite' },
    { target: 'login without password hashing >= 0.4 x unguarded GET', subject: `${BENCH_APP_ID}/login`, reference: `${BENCH_APP_ID}/public`, atLeast: 0.4, needs: '--db=sqlite' },
    ...(['profile', 'refresh'] as const).map((name) => ({
      target: `with 1,000,000 devices, ${name === 'profile' ? 'guarded GET' : 'refresh'} >= 0.9 x its figure with 1,000 devices`,
      subject: `${sqliteMost}/${name}`,
      reference: `${sqlite}/${name}`,
      atLeast: 0.9,
      needs: '--devices=1000,1000000',
    })),
    { target: 'on PostgreSQL, guarded GET >= 0.6 x unguarded GET', subject: `${postgres}/profile`, reference: `${postgres}/public`, atLeast: 0.6, needs: '--db=sqlite,postgres' },
    { target: 'on PostgreSQL, device refresh with rotation >= 0.3 x unguarded GET', subject: `${postgres}/refresh`, reference: `${postgres}/public`, atLeast: 0.3, needs: '--db=sqlite,postgres' },
    ...(['sqlite', 'postgres'] as const).map((database) => ({
      target: `with device and user caches and Redis invalidation on, guarded GET >= 0.95 x unguarded GET (${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`,
      subject: `${sampleAppId(database, fewest, true)}/profile`,
      reference: `${sampleAppId(database, fewest, true)}/public`,
      atLeast: 0.95,
      needs: `--db=${database}`,
    })),
    ...(['sqlite', 'postgres'] as const).map((database) => ({
      target: `the floor on ${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: a guard doing only two prepared lookups, guarded / unguarded GET`,
      subject: `${minimalGuardId(database)}/profile`,
      reference: `${minimalGuardId(database)}/public`,
      atLeast: 0,
      needs: `--db=${database}`,
      floor: true,
    })),
  ];
  const byId = new Map(results.map((result) => [result.scenario.id, result]));
  return targets.map(({ target, subject, reference, atLeast, needs, floor }) => {
    const measured = byId.get(subject);
    const baseline = byId.get(reference);
    if (!measured || !baseline || subject === reference) {
      const why = options.only.length > 0 ? `left out by --only=${options.only.join(',')}, or needs ${needs}` : `needs ${needs}`;
      return { target, measured: `not measured in this run (${why})`, holds: null };
    }
    const ratio = pairedRatio(measured, baseline);
    const failures = measured.failures + baseline.failures;
    return {
      target,
      measured: `${formatPairedRatio(ratio)} = \`${subject}\` / \`${reference}\`${failures > 0 ? `, with ${failures} failed requests` : ''}`,
      // A figure reached by answering errors does not count.
      holds: floor ? 'floor' : ratio.median >= atLeast && failures === 0,
    };
  });
}
