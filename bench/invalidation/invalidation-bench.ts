import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { launch, type LaunchContext } from '../apps/launch.js';
import type { BenchOptions } from '../cli-options.js';
import { login, requestJson } from '../http-setup.js';
import { INVALIDATION_RESULTS_FILE, PARENT_WATCH, SAMPLE_APP_MAIN } from '../paths.js';
import { PrivateRedisServer } from '../../test/support/redis-server.js';
import type { ServerProcess } from '../processes/server-process.js';
import { commandLine } from '../report/command-line.js';
import { loadAverage, readMachine } from '../report/machine.js';
import { markdownTable } from '../report/table.js';
import { createTemporaryDatabase, postgresServerUrl } from '../seed/postgres-database.js';

const USER = { username: 'revoked-user', password: 'bench-password-1' };
const SUBSCRIBED = 'Device invalidation: subscribed to Redis';
const UNREACHABLE = 'Device invalidation: Redis unreachable';
const OUTAGE_REVOCATIONS = 100;
/** A device still accepted this long after its revocation was answered counts as never refused. */
const GIVE_UP_MS = 10_000;

interface Instance {
  name: string;
  server: ServerProcess;
  origin: string;
}

/** One revocation as one other instance saw it. */
interface Sample {
  /** From the revoking instance's 204 to this instance's first 401 (the probe's own round trip included). */
  afterAnswerMs: number;
  /** From sending the revocation to this instance's first 401. */
  afterSendMs: number;
  /** 200s this instance gave the revoked device after the 204. */
  staleAccepts: number;
  refused: boolean;
}

interface Phase {
  name: string;
  samples: Sample[];
}

/**
 * `npm run bench -- --invalidation`: three sample-app processes on one temporary PostgreSQL database and a
 * private Redis, deviceCacheTtl 300 s. Each revocation: a login through A, a guarded GET on B and C (so both
 * cache the device), a logout through A, then B and C asked at once until they refuse it. Then Redis is
 * killed for OUTAGE_REVOCATIONS revocations, restarted, and the same again.
 */
export async function runInvalidationBench(options: BenchOptions, context: LaunchContext, args: readonly string[]): Promise<void> {
  const database = await createTemporaryDatabase(postgresServerUrl(process.env));
  context.cleanup.push('drop the invalidation database', () => database.drop());
  const redis = await PrivateRedisServer.start();
  context.cleanup.push('stop redis-server', () => redis.kill());

  const env = {
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    REDIS_URL: redis.url,
    THROTTLE_LIMIT: '0',
    PURGE_INTERVAL: '0',
    // The cheapest allowed scrypt cost: a login per revocation must not dominate the run.
    PASSWORD_HASH_COST: '10',
    JWT_DEVICES_DEVICE_CACHE_TTL: '300',
    JWT_DEVICES_ACCESS_TOKEN_TTL: '3600',
  };
  const instances: Instance[] = [];
  // One at a time: each synchronizes the schema at boot.
  for (const name of ['invalidation-a', 'invalidation-b', 'invalidation-c']) {
    const { server, url } = await launch(context, name, ['--import', pathToFileURL(PARENT_WATCH).href, SAMPLE_APP_MAIN], env);
    instances.push({ name, server, origin: url });
  }
  const [a, ...others] = instances;
  await waitForLogLine(instances, SUBSCRIBED, 1);
  await requestJson(a.origin, 'POST', '/users', USER);

  const phases: Phase[] = [];
  const run = async (name: string, count: number): Promise<void> => {
    const phase: Phase = { name, samples: [] };
    phases.push(phase);
    for (let index = 0; index < count; index++) phase.samples.push(...(await revokeOnce(a, others)));
    const [samples, p50, p99, worst, , , firstProbe, stale] = summary(phase.samples);
    console.log(`${name}: ${samples} samples, p50 ${p50} ms, p99 ${p99} ms, worst ${worst} ms; refused at the first probe ${firstProbe}, stale accepts ${stale}`);
  };
  await run(`${options.revocations} logouts, Redis up`, options.revocations);
  await redis.kill();
  await waitForLogLine(instances, UNREACHABLE, 1);
  await run(`${OUTAGE_REVOCATIONS} logouts, Redis killed`, OUTAGE_REVOCATIONS);
  await redis.restart();
  await waitForLogLine(instances, SUBSCRIBED, 2);
  await run(`${OUTAGE_REVOCATIONS} logouts, Redis restarted`, OUTAGE_REVOCATIONS);

  const report = renderReport(phases, commandLine(args));
  console.log(`\n${report}`);
  writeFileSync(INVALIDATION_RESULTS_FILE, report);
  console.log(`wrote ${INVALIDATION_RESULTS_FILE}`);
}

async function revokeOnce(revoker: Instance, others: readonly Instance[]): Promise<Sample[]> {
  const session = await login(revoker.origin, USER.username, USER.password);
  for (const instance of others) {
    const status = await profileStatus(instance, session.token);
    if (status !== 200) throw new Error(`${instance.name} answered ${status} to a live device`);
  }
  const sent = performance.now();
  const logout = await fetch(`${revoker.origin}/device-logout`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${session.token}`, 'device-id': String(session.device_id) },
  });
  await logout.arrayBuffer();
  const answered = performance.now();
  if (logout.status !== 204) throw new Error(`the logout answered ${logout.status}`);
  return Promise.all(
    others.map(async (instance): Promise<Sample> => {
      let staleAccepts = 0;
      for (;;) {
        const status = await profileStatus(instance, session.token);
        const now = performance.now();
        if (status === 401) return { afterAnswerMs: now - answered, afterSendMs: now - sent, staleAccepts, refused: true };
        if (status !== 200) throw new Error(`${instance.name} answered ${status}`);
        staleAccepts++;
        if (now - answered > GIVE_UP_MS) return { afterAnswerMs: now - answered, afterSendMs: now - sent, staleAccepts, refused: false };
      }
    }),
  );
}

async function profileStatus(instance: Instance, token: string): Promise<number> {
  const response = await fetch(`${instance.origin}/profile`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

async function waitForLogLine(instances: readonly Instance[], line: string, times: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!instances.every(({ server }) => server.recentOutput.split(line).length - 1 >= times)) {
    if (Date.now() > deadline) throw new Error(`not every instance logged "${line}" ${times} time(s)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(samples: readonly Sample[]): string[] {
  const after = samples.map(({ afterAnswerMs }) => afterAnswerMs).sort((x, y) => x - y);
  const sent = samples.map(({ afterSendMs }) => afterSendMs).sort((x, y) => x - y);
  const ms = (value: number) => value.toFixed(2);
  return [
    String(samples.length),
    ms(percentile(after, 50)),
    ms(percentile(after, 99)),
    ms(after.at(-1)!),
    ms(percentile(sent, 99)),
    ms(sent.at(-1)!),
    String(samples.filter(({ staleAccepts, refused }) => refused && staleAccepts === 0).length),
    String(samples.reduce((total, { staleAccepts }) => total + staleAccepts, 0)),
    String(samples.filter(({ refused }) => !refused).length),
  ];
}

function renderReport(phases: readonly Phase[], command: string): string {
  const machine = readMachine();
  const rows = phases.map(({ name, samples }) => [name, ...summary(samples)]);
  const up = phases[0].samples.map(({ afterAnswerMs }) => afterAnswerMs).sort((x, y) => x - y);
  const p99 = percentile(up, 99);
  return `# Push-invalidation benchmark

\`${command}\` on ${new Date().toISOString()}: ${machine.cpuModel}, ${machine.cores} cores, Node.js ${machine.node};
load average at the end ${loadAverage().toFixed(2)}.
Three sample-app processes (on the server core) on one temporary PostgreSQL database and a private redis-server,
\`JWT_DEVICES_DEVICE_CACHE_TTL=300\`, \`REDIS_URL\` set. Each revocation: a login through A, a guarded GET on B and C
(each now has the device in its cache), \`DELETE /device-logout\` through A, then B and C are asked at once, again and
again, until each answers 401. A sample is one instance's delay: from A's 204 to that instance's first 401, which
includes that probe's own round trip (so it is never below one guarded request's latency); "from the logout sent"
adds the logout's own time. A stale accept is a 200 given to the device after A's 204: with none, every instance
refused the device at its first request after the revocation was answered, so the message had always arrived
before that request, and the delays below are those requests' own latency, an upper bound of the delivery time.

${markdownTable(
  ['phase', 'samples', 'ms after the 204: p50', 'p99', 'worst', 'ms after sending: p99', 'worst', 'refused at the first probe', 'stale accepts', 'never refused'],
  rows,
  [false, true, true, true, true, true, true, true, true, true],
)}

Target: p99 < 50 ms with Redis up — ${p99 < 50 ? 'holds' : 'does NOT hold'} (${p99.toFixed(2)} ms).
While Redis is down the instances read the database on every request, so they refuse at once without any message;
after the restart they have resubscribed and cleared their caches.
`;
}
