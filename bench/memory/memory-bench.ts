import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, type LaunchContext } from '../apps/launch.js';
import { BENCH_PASSWORD, BENCH_USERS } from '../bench-app/bench-credentials.js';
import type { MemoryReport } from '../bench-app/memory-probe.js';
import type { BenchOptions } from '../cli-options.js';
import { login } from '../http-setup.js';
import { measure, type Measurement } from '../load/measure.js';
import { RefreshChains } from '../load/refresh-chains.js';
import { BENCH_APP_MAIN, MEMORY_RESULTS_FILE, WORK_DIR } from '../paths.js';
import { commandLine } from '../report/command-line.js';
import { loadAverage, readMachine } from '../report/machine.js';
import { formatRate, markdownTable } from '../report/table.js';
import { DISTINCT_DEVICES, runCachedDevicesMemory, type CachedDevicesRun } from './cached-devices-memory.js';

const WARMUP_REQUESTS = 5_000;
const REFRESH_CHAINS = 100;
const MIB = 2 ** 20;

interface Snapshot {
  phase: string;
  usage: NodeJS.MemoryUsage;
}

/**
 * `npm run bench -- --memory`: the bench app (with --expose-gc, on the server core) takes N logins and
 * N rotating refreshes over HTTP; its RSS and heap, after a full GC, before, after a warm-up and at the end.
 */
export async function runMemoryBench(options: BenchOptions, context: LaunchContext, args: readonly string[]): Promise<void> {
  if (options.only.includes('cached-devices')) {
    // Only the device-cache part; like --only in the throughput mode, it leaves results-memory.md alone.
    console.log(renderCachedDevicesReport(await runCachedDevicesMemory(context, options.memoryRequests, options.connections)));
    return;
  }
  const { server, url: origin } = await launch(
    context,
    'bench-app-memory',
    [BENCH_APP_MAIN],
    { BENCH_SQLITE_PATH: join(WORK_DIR, 'bench-app-memory.sqlite'), JWT_SECRET: randomBytes(32).toString('base64url') },
    ['--expose-gc'],
  );
  const snapshots: Snapshot[] = [];
  const snapshot = async (phase: string): Promise<void> => {
    const report = await server.ask<MemoryReport>({ type: 'memory' });
    if (!report.collected) throw new Error('the bench app has no global.gc: it must run with --expose-gc');
    snapshots.push({ phase, usage: report.usage });
    console.log(`${phase}: RSS ${mib(report.usage.rss)} MiB, heap used ${mib(report.usage.heapUsed)} MiB`);
  };
  const loginRequest = {
    method: 'POST',
    path: '/auth-token',
    headers: { 'content-type': 'application/json', 'user-agent': 'autocannon' },
    body: JSON.stringify({ username: BENCH_USERS.login, password: BENCH_PASSWORD }),
  };
  const tokens: string[] = [];
  for (let chain = 0; chain < REFRESH_CHAINS; chain++) tokens.push((await login(origin, BENCH_USERS.profile, BENCH_PASSWORD)).permanent_token);
  const refreshRequest = new RefreshChains(tokens).request('/device-refresh-token');
  const load = { connections: options.connections };

  await snapshot('before any load');
  await measure(origin, loginRequest, { ...load, amount: WARMUP_REQUESTS });
  await measure(origin, refreshRequest, { ...load, amount: WARMUP_REQUESTS });
  await snapshot(`after warm-up (${formatRate(WARMUP_REQUESTS)} logins + ${formatRate(WARMUP_REQUESTS)} refreshes)`);
  // In two halves, so a growth shows whether it levels off or keeps climbing.
  const half = Math.ceil(options.memoryRequests / 2);
  const loads: Array<{ name: string; result: Measurement }> = [];
  for (const part of [1, 2]) {
    console.log(`${formatRate(half)} logins, then as many refreshes (half ${part} of 2)...`);
    loads.push({ name: `logins, half ${part}`, result: await measure(origin, loginRequest, { ...load, amount: half }) });
    loads.push({ name: `refreshes, rotating, half ${part}`, result: await measure(origin, refreshRequest, { ...load, amount: half }) });
    await snapshot(`warm-up, then ${formatRate(part * half)} logins + ${formatRate(part * half)} refreshes`);
  }

  await server.stop();
  console.log('the device cache and push invalidation on, guarded GETs over distinct devices...');
  const cached = await runCachedDevicesMemory(context, options.memoryRequests, options.connections);

  const report = renderMemoryReport(snapshots, loads, commandLine(args)) + renderCachedDevicesReport(cached);
  console.log(`\n${report}`);
  writeFileSync(MEMORY_RESULTS_FILE, report);
  console.log(`wrote ${MEMORY_RESULTS_FILE}`);
}

function renderMemoryReport(snapshots: readonly Snapshot[], loads: ReadonlyArray<{ name: string; result: Measurement }>, command: string): string {
  const machine = readMachine();
  const rows = snapshots.map(({ phase, usage }) => [
    phase,
    mib(usage.rss),
    mib(usage.heapUsed),
    mib(usage.heapTotal),
    mib(usage.external),
    mib(usage.arrayBuffers),
  ]);
  const [, warm, middle, end] = snapshots;
  const growth = (key: 'rss' | 'heapUsed'): string =>
    `${mib(middle.usage[key] - warm.usage[key])} MiB in the first half, ${mib(end.usage[key] - middle.usage[key])} MiB in the second`;
  const loadRows = loads.map(({ name, result }) => [name, formatRate(result.requestsPerSecond), result.p99Ms.toFixed(2), String(result.non2xx + result.errors)]);
  return `# Memory benchmark

\`${command}\` on ${new Date().toISOString()}: ${machine.cpuModel}, ${machine.cores} cores, Node.js ${machine.node};
load average at the end ${loadAverage().toFixed(2)} (the bench itself adds about 1.2; more is other work).
The bench app (users in memory, SQLite in WAL mode with synchronous NORMAL, device cache off) in its own process with --expose-gc;
each figure is process.memoryUsage() in MiB right after two global.gc() calls.

${markdownTable(['phase', 'RSS', 'heap used', 'heap total', 'external', 'array buffers'], rows, [false, true, true, true, true, true])}

After the warm-up: RSS ${growth('rss')}; heap used ${growth('heapUsed')}.
The heap is what must stay flat: RSS also holds SQLite's page cache, native memory that the sample app's
settings (shared by the bench app) let grow to 64 MiB as the Device table grows by every login.

${markdownTable(['load', 'req/s', 'p99 ms', 'failures'], loadRows, [false, true, true, true])}
`;
}

function renderCachedDevicesReport({ snapshots, loads }: CachedDevicesRun): string {
  const rows = snapshots.map(({ phase, usage }) => [phase, mib(usage.rss), mib(usage.heapUsed), mib(usage.heapTotal), mib(usage.external)]);
  const [, warm, middle, end] = snapshots;
  const loadRows = loads.map(({ name, result }) => [name, formatRate(result.requestsPerSecond), result.p99Ms.toFixed(2), String(result.non2xx + result.errors)]);
  return `
## Device cache and push invalidation on, ${DISTINCT_DEVICES.toLocaleString('en')} distinct devices

The bench app again, now with \`deviceCacheTtl\` 300 s and push invalidation over a private redis-server, and
${DISTINCT_DEVICES.toLocaleString('en')} devices of one user seeded; each guarded GET /profile names the next of them in turn
(its access token signed by the bench), so the cache, bounded at 10,000 devices, is always full and always turning over.

${markdownTable(['phase', 'RSS', 'heap used', 'heap total', 'external'], rows, [false, true, true, true, true])}

After the warm-up: heap used ${mib(middle.usage.heapUsed - warm.usage.heapUsed)} MiB in the first half, ${mib(end.usage.heapUsed - middle.usage.heapUsed)} MiB in the second.

${markdownTable(['load', 'req/s', 'p99 ms', 'failures'], loadRows, [false, true, true, true])}
`;
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
