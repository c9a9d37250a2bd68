import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchOptions } from '../cli-options.js';
import type { CpuPinning } from '../cpu-pinning.js';
import type { ScenarioResult } from '../rounds.js';
import type { MachineInfo } from './machine.js';
import { markdownTable, resultsTable } from './table.js';
import type { TargetCheck } from './targets.js';

export interface RunReport {
  machine: MachineInfo;
  pinning: CpuPinning;
  command: string;
  options: BenchOptions;
  startedAt: Date;
  loadAtStart: number;
  loadAtEnd: number;
  results: readonly ScenarioResult[];
  targets: readonly TargetCheck[];
  /** bench/findings.md: what profiling found, carried into every results.md. */
  findings: string;
}

export function readFindings(path: string): string {
  return readFileSync(path, 'utf8');
}

export function writeResultsFile(path: string, report: RunReport): void {
  writeFileSync(path, renderResults(report));
}

export function targetsTable(targets: readonly TargetCheck[]): string {
  const verdict = (holds: TargetCheck['holds']): string =>
    holds === 'floor' ? 'reference, not a target' : holds === null ? 'not measured' : holds ? 'holds' : 'does NOT hold';
  return markdownTable(['target', 'this run', 'verdict'], targets.map(({ target, measured, holds }) => [target, measured, verdict(holds)]));
}

function renderResults(report: RunReport): string {
  const { machine, options } = report;
  return `# Benchmark results

Written by the last \`npm run bench\`. Figures from one run on a shared machine are noisy: compare the
ratios within a run, not absolute requests/s across runs or machines.

## Machine

- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB.toFixed(1)} GiB; Node.js ${machine.node}
- Date: ${report.startedAt.toISOString()}
- CPU pinning: ${report.pinning.description}
- Load average (1 min): ${report.loadAtStart.toFixed(2)} at the start, ${report.loadAtEnd.toFixed(2)} at the end (the bench itself
  adds about 1.2: one saturated server and the load generator)${
    report.loadAtStart > 1.5 || report.loadAtEnd > 2.5 ? ' — more than the bench alone accounts for, so the figures may be noisier than usual' : ''
  }

## Command

\`\`\`
${report.command}
\`\`\`

${options.rounds} interleaved rounds of ${options.durationSeconds} s per scenario after a ${options.warmupSeconds} s warm-up each,
${options.connections} connections (autocannon, in the bench process); figures are medians over the rounds, latency
as measured per response. A ratio is the median of the per-round ratios (both scenarios measured in the
same round), with their range in brackets. Device table sizes: ${options.devices.map((count) => count.toLocaleString('en')).join(', ')};
databases: ${options.databases.join(', ')}; device cache off (\`JWT_DEVICES_DEVICE_CACHE_TTL=0\`) but in the apps marked "caches + Redis invalidation" (device and user caches 300 s, push invalidation through the local Redis).
"failures" counts non-2xx answers (a refresh's 400 included), connection errors and timeouts.
"server CPU us/req" is the server process's user + system CPU time over the round divided by its
answers (from /proc; a database server's own CPU, PostgreSQL's, is not in it): it moves less than
requests/s when other work on the machine takes turns on the core.

## Results

${resultsTable(report.results)}

## Targets

${targetsTable(report.targets)}

${report.findings.trim()}
`;
}
