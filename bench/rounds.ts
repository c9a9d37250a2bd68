import { measure, type Measurement } from './load/measure.js';
import { processCpuSeconds } from './processes/cpu-time.js';
import { median } from './report/paired-ratio.js';
import type { Scenario } from './scenario.js';

export interface RoundSettings {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
}

export interface RoundMeasurement extends Measurement {
  /** The server's CPU time (user + system) per answered request, in microseconds; null where /proc is missing. */
  serverCpuUs: number | null;
}

export interface ScenarioResult {
  scenario: Scenario;
  rounds: RoundMeasurement[];
  /** Medians over rounds: one slow round on a shared machine moves them least. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median of the rounds' server CPU time per request, in microseconds. */
  serverCpuUs: number | null;
  /** Non-2xx answers, connection errors and timeouts, over all rounds. */
  failures: number;
}

/**
 * Warms every scenario up, then runs the rounds interleaved (each round visits every scenario, starting
 * one further along than the last), so drift in the machine's load spreads over all scenarios alike.
 */
export async function runRounds(scenarios: readonly Scenario[], settings: RoundSettings): Promise<ScenarioResult[]> {
  const load = { connections: settings.connections };
  if (settings.warmupSeconds > 0) {
    for (const scenario of scenarios) {
      const warm = await measure(scenario.origin, scenario.request, { ...load, durationSeconds: settings.warmupSeconds });
      if (warm.responses === 0 || warm.non2xx + warm.errors >= warm.responses) {
        throw new Error(`${scenario.id}: the warm-up got no successful answer (${describe(warm)})`);
      }
      console.log(`warm-up  ${scenario.id.padEnd(34)} ${describe(warm)}`);
    }
  }
  const byScenario = new Map<Scenario, RoundMeasurement[]>(scenarios.map((scenario) => [scenario, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let step = 0; step < scenarios.length; step++) {
      const scenario = scenarios[(round + step) % scenarios.length];
      const result = await measureWithCpu(scenario, { ...load, durationSeconds: settings.durationSeconds });
      byScenario.get(scenario)!.push(result);
      console.log(`round ${round + 1}/${settings.rounds} ${scenario.id.padEnd(34)} ${describe(result)}`);
    }
  }
  return scenarios.map((scenario) => summarize(scenario, byScenario.get(scenario)!));
}

async function measureWithCpu(scenario: Scenario, settings: Parameters<typeof measure>[2]): Promise<RoundMeasurement> {
  const before = processCpuSeconds(scenario.serverPid);
  const result = await measure(scenario.origin, scenario.request, settings);
  const after = processCpuSeconds(scenario.serverPid);
  const serverCpuUs = before === null || after === null || result.responses === 0 ? null : ((after - before) * 1e6) / result.responses;
  return { ...result, serverCpuUs };
}

function summarize(scenario: Scenario, rounds: RoundMeasurement[]): ScenarioResult {
  const cpu = rounds.map((round) => round.serverCpuUs);
  return {
    scenario,
    rounds,
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    serverCpuUs: cpu.every((value) => value !== null) ? median(cpu as number[]) : null,
    failures: rounds.reduce((sum, round) => sum + round.non2xx + round.errors, 0),
  };
}

function describe(result: Measurement & { serverCpuUs?: number | null }): string {
  const failures = result.non2xx + result.errors;
  const cpu = result.serverCpuUs == null ? '' : `  server CPU ${Math.round(result.serverCpuUs)} us/req`;
  return `${Math.round(result.requestsPerSecond).toLocaleString('en').padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${cpu}${failures > 0 ? `  FAILURES ${failures}` : ''}`;
}
