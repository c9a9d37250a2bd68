import { parseDuration } from '../../lib/index.js';

/** The process environment, or any map like it (tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

const INTEGER = /^(0|[1-9]\d*)$/;

/**
 * Reads typed values out of the environment strictly, collecting one problem per bad variable
 * so the caller can report them all at once. An empty variable counts as unset.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /** Secrets and keys: kept exactly as given, and never echoed in a problem. */
  secret(name: string): string | undefined {
    const value = this.env[name];
    return value && value.trim() ? value : undefined;
  }

  /** PEM text; a one-line value with literal `\n` escapes (common in .env files and CI) is unescaped. */
  pem(name: string): string | undefined {
    const value = this.secret(name);
    return value !== undefined && !value.includes('\n') ? value.replace(/\\n/g, '\n') : value;
  }

  /** Exactly true, false, 1 or 0: anything else is more likely a typo than a choice. */
  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return this.problem(name, 'must be true, false, 1 or 0', value);
  }

  /** A whole decimal number in range: no signs, exponents, fractions or leading zeros. */
  integer(name: string, { min, max = Number.MAX_SAFE_INTEGER }: { min: number; max?: number }): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = INTEGER.test(value) ? Number(value) : NaN;
    if (!(parsed >= min && parsed <= max)) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      return this.problem(name, `must be a whole number ${range}`, value);
    }
    return parsed;
  }

  /** Seconds, or the module's duration syntax ('90s', '30m', '12h', '7d'); returned in seconds. */
  duration(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const seconds = parseDuration(value);
    if (typeof seconds === 'number') return seconds;
    return this.problem(name, "must be seconds or a duration such as '90s', '30m', '12h', '7d'", value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    return this.problem(name, `must be one of ${allowed.join(', ')}`, value);
  }

  /** A comma-separated list, e.g. `Bearer,JWT`. */
  list(name: string): string[] | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    if (items.length === 0) return this.problem(name, 'must be a comma-separated list such as Bearer,JWT', value);
    return items;
  }

  /** Records a problem found outside the typed readers (the value is not echoed). */
  report(name: string, message: string): undefined {
    this.problems.push(`${name}: ${message}`);
    return undefined;
  }

  private problem(name: string, message: string, value: string): undefined {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return this.report(name, `${message} (got ${JSON.stringify(shown)})`);
  }
}
