import type { ScenarioResult } from '../rounds.js';

export interface PairedRatio {
  /** The median over rounds of subject / reference, each pair measured in the same round. */
  median: number;
  perRound: number[];
}

/**
 * Compares two scenarios round by round: both ran in the same interleaved round, so a round in which
 * the shared machine was slow moves the pair together, and the median over rounds drops a lopsided one.
 */
export function pairedRatio(subject: ScenarioResult, reference: ScenarioResult): PairedRatio {
  const rounds = Math.min(subject.rounds.length, reference.rounds.length);
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    perRound.push(subject.rounds[round].requestsPerSecond / reference.rounds[round].requestsPerSecond);
  }
  return { median: median(perRound), perRound };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `0.86 (0.81–0.90)`: the median and the spread of the per-round ratios. */
export function formatPairedRatio({ median: middle, perRound }: PairedRatio): string {
  if (perRound.length < 2) return middle.toFixed(2);
  return `${middle.toFixed(2)} (${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)})`;
}
