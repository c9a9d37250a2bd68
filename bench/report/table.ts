import type { ScenarioResult } from '../rounds.js';
import { formatPairedRatio, pairedRatio } from './paired-ratio.js';

/** The results as a Markdown table, which reads as well on a terminal as in results.md. */
export function resultsTable(results: readonly ScenarioResult[]): string {
  const byId = new Map(results.map((result) => [result.scenario.id, result]));
  const rows = results.map((result) => {
    const { scenario } = result;
    const perRound = result.rounds.map((round) => round.requestsPerSecond);
    const baseline = byId.get(scenario.baselineId);
    let ratio = 'n/a';
    if (baseline && baseline !== result) {
      ratio = formatPairedRatio(pairedRatio(result, baseline));
      // Most rows compare with their own app's /public; say so when the reference is another process.
      if (!scenario.baselineId.startsWith(`${scenario.id.split('/')[0]}/`)) ratio += ` (of ${scenario.baselineId})`;
    } else if (baseline === result) {
      ratio = '1.00';
    }
    return [
      scenario.label,
      scenario.app,
      `\`${scenario.id}\``,
      formatRate(result.requestsPerSecond),
      `${formatRate(Math.min(...perRound))}–${formatRate(Math.max(...perRound))}`,
      result.p50Ms.toFixed(2),
      result.p99Ms.toFixed(2),
      result.serverCpuUs === null ? 'n/a' : String(Math.round(result.serverCpuUs)),
      String(result.failures),
      ratio,
    ];
  });
  const header = ['scenario', 'app', 'id', 'req/s (median)', 'req/s per round', 'p50 ms', 'p99 ms', 'server CPU us/req', 'failures', 'ratio to unguarded GET (per-round range)'];
  return markdownTable(header, rows, [false, false, false, true, true, true, true, true, true, true]);
}

export function markdownTable(header: readonly string[], rows: readonly string[][], rightAligned: readonly boolean[] = []): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (rightAligned[column] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en');
}
