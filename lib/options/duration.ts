import { DAY } from './defaults.js';

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 60 * 60, d: DAY, w: 7 * DAY };
const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/;

/** Parses a duration into seconds, or returns an error text. */
export function parseDuration(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : 'must be a non-negative number of seconds';
  }
  if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value);
    if (match) return Number(match[1]) * DURATION_UNITS[match[2] ?? 's'];
  }
  return `must be seconds or a string such as '30m' or '7d' (got ${describe(value)})`;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}
