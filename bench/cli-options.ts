export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

export interface BenchOptions {
  /** Device-table sizes; each gets its own sample-app process and database. */
  devices: number[];
  databases: DatabaseKind[];
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Substrings of scenario ids; empty runs them all. */
  only: string[];
  cpuProfile: boolean;
  memory: boolean;
  memoryRequests: number;
  invalidation: boolean;
  revocations: number;
}

export class BenchOptionsError extends Error {}

export const USAGE = `npm run bench -- [flags]
  --devices=N[,M...]     Device rows seeded before the run, one sample app per size (default 1000);
                         --devices=1000,1000000 compares both sizes in one run
  --db=sqlite[,postgres] databases of the sample app (default sqlite); postgres runs the guarded/unguarded
                         pair on a temporary database of DATABASE_URL or TEST_POSTGRES_URL
  --rounds=8 --duration=2 --warmup=3 --connections=10
                         interleaved rounds, seconds per scenario and round, warm-up seconds, connections
  --only=a,b             only scenarios whose id contains one of these (e.g. --only=profile,refresh)
  --cpu-prof             write a .cpuprofile per server into bench/.work/profiles
  --memory               the memory mode instead: logins and refreshes, RSS and heap before and after
  --memory-requests=N    logins, then refreshes, then guarded GETs over 100,000 cached devices, in memory mode
                         (default 200000); --memory --only=cached-devices runs the last part alone
  --invalidation         the push-invalidation mode instead: three sample apps on PostgreSQL and a private Redis,
                         the delay until a logout through one is refused by the others
  --revocations=N        logouts measured with Redis up, in invalidation mode (default 1000)`;

/** Reads `--name=value` flags; throws BenchOptionsError listing every bad one. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const problems: string[] = [];
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match) flags.set(match[1], match[2] ?? 'true');
    else problems.push(`${arg}: not a --flag`);
  }
  const take = (name: string): string | undefined => {
    const value = flags.get(name);
    flags.delete(name);
    return value;
  };
  const integer = (name: string, fallback: number, min: number): number => {
    const raw = take(name);
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/_/g, ''));
    if (Number.isSafeInteger(value) && value >= min) return value;
    problems.push(`--${name}: a whole number of at least ${min} (got ${raw})`);
    return fallback;
  };
  const list = (name: string, fallback: string): string[] =>
    (take(name) ?? fallback).split(',').map((item) => item.trim()).filter((item) => item !== '');

  const devices = list('devices', '1000').map((raw) => Number(raw.replace(/_/g, '')));
  if (devices.length === 0 || devices.some((count) => !Number.isSafeInteger(count) || count < 0)) {
    problems.push('--devices: whole numbers of at least 0, comma-separated');
  }
  const databases = list('db', 'sqlite');
  for (const database of databases) {
    if (!(DATABASES as readonly string[]).includes(database)) problems.push(`--db: ${database} is not one of ${DATABASES.join(', ')}`);
  }
  const options: BenchOptions = {
    devices: [...new Set(devices)],
    databases: [...new Set(databases)] as DatabaseKind[],
    rounds: integer('rounds', 8, 1),
    durationSeconds: integer('duration', 2, 1),
    warmupSeconds: integer('warmup', 3, 0),
    connections: integer('connections', 10, 1),
    only: list('only', ''),
    cpuProfile: take('cpu-prof') !== undefined,
    memory: take('memory') !== undefined,
    memoryRequests: integer('memory-requests', 200_000, 1000),
    invalidation: take('invalidation') !== undefined,
    revocations: integer('revocations', 1000, 1),
  };
  if (options.memory && options.invalidation) problems.push('--memory and --invalidation: one mode at a time');
  if (take('help') !== undefined) problems.push('usage');
  for (const name of flags.keys()) problems.push(`--${name}: unknown flag`);
  if (problems.length > 0) throw new BenchOptionsError(`${problems.filter((p) => p !== 'usage').join('\n')}\n\n${USAGE}`.trim());
  return options;
}
