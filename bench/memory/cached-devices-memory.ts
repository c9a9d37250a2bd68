import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { launch, type LaunchContext } from '../apps/launch.js';
import { BENCH_PASSWORD, BENCH_USERS } from '../bench-app/bench-credentials.js';
import type { MemoryReport } from '../bench-app/memory-probe.js';
import { login } from '../http-setup.js';
import { signHs256 } from '../load/hs256.js';
import { measure, type Measurement } from '../load/measure.js';
import { BENCH_APP_MAIN, WORK_DIR } from '../paths.js';
import { PrivateRedisServer } from '../../test/support/redis-server.js';

export const DISTINCT_DEVICES = 100_000;
const WARMUP_REQUESTS = 20_000;

export interface MemorySnapshot {
  phase: string;
  usage: NodeJS.MemoryUsage;
}

export interface CachedDevicesRun {
  snapshots: MemorySnapshot[];
  loads: Array<{ name: string; result: Measurement }>;
}

/**
 * The bench app with the device cache (300 s) and push invalidation over a private Redis on, driven by
 * guarded GETs that each name one of DISTINCT_DEVICES devices in turn, so the cache (bounded at 10,000)
 * is always full and always turning over; its heap after a warm-up and after each half of `requests`.
 */
export async function runCachedDevicesMemory(context: LaunchContext, requests: number, connections: number): Promise<CachedDevicesRun> {
  const redis = await PrivateRedisServer.start();
  context.cleanup.push('stop redis-server', () => redis.kill());
  const sqlitePath = join(WORK_DIR, 'bench-app-cached-devices.sqlite');
  const secret = randomBytes(32).toString('base64url');
  const { server, url: origin } = await launch(
    context,
    'bench-app-cached-devices',
    [BENCH_APP_MAIN],
    { BENCH_SQLITE_PATH: sqlitePath, JWT_SECRET: secret, DEVICE_CACHE_TTL: '300', REDIS_URL: redis.url },
    ['--expose-gc'],
  );
  const tokens = await distinctDeviceTokens(origin, sqlitePath, secret);
  let next = 0;
  const request: autocannon.Request = {
    method: 'GET',
    path: '/profile',
    setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }),
  };

  const snapshots: MemorySnapshot[] = [];
  const snapshot = async (phase: string): Promise<void> => {
    const report = await server.ask<MemoryReport>({ type: 'memory' });
    if (!report.collected) throw new Error('the bench app has no global.gc: it must run with --expose-gc');
    snapshots.push({ phase, usage: report.usage });
    console.log(`${phase}: RSS ${(report.usage.rss / 2 ** 20).toFixed(1)} MiB, heap used ${(report.usage.heapUsed / 2 ** 20).toFixed(1)} MiB`);
  };
  const loads: CachedDevicesRun['loads'] = [];
  await snapshot('before any load');
  await measure(origin, request, { connections, amount: WARMUP_REQUESTS });
  await snapshot(`after warm-up (${WARMUP_REQUESTS.toLocaleString('en')} guarded GETs)`);
  const half = Math.ceil(requests / 2);
  for (const part of [1, 2]) {
    console.log(`${half.toLocaleString('en')} guarded GETs over ${DISTINCT_DEVICES.toLocaleString('en')} devices (half ${part} of 2)...`);
    loads.push({ name: `guarded GETs, ${DISTINCT_DEVICES.toLocaleString('en')} devices, half ${part}`, result: await measure(origin, request, { connections, amount: half }) });
    await snapshot(`warm-up, then ${(part * half).toLocaleString('en')} guarded GETs`);
  }
  return { snapshots, loads };
}

/** Seeds DISTINCT_DEVICES devices of the profile user and signs one access token for each, with the claims a login gives. */
async function distinctDeviceTokens(origin: string, sqlitePath: string, secret: string): Promise<string[]> {
  const { token } = await login(origin, BENCH_USERS.profile, BENCH_PASSWORD);
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  const userId = String(claims.user_id);
  const db = new Database(sqlitePath);
  const now = Date.now();
  // The devices of one user, all alive: one INSERT ... SELECT, so no row crosses into JavaScript.
  db.prepare(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @rows)
    INSERT INTO jwt_devices_device (user_id, token_hash, generation, legacy_token_hash, rotated_at, name, details, created, last_request_datetime)
    SELECT @userId, lower(hex(randomblob(32))), 0, NULL, NULL, 'cached device', '', @now, @now FROM n`).run({ rows: DISTINCT_DEVICES, userId, now });
  const ids = (db.prepare('SELECT id FROM jwt_devices_device WHERE user_id = ? ORDER BY id').all(userId) as Array<{ id: number }>).map(({ id }) => id);
  db.close();
  if (ids.length < DISTINCT_DEVICES) throw new Error(`seeded ${ids.length} devices, expected ${DISTINCT_DEVICES}`);
  return ids.slice(-DISTINCT_DEVICES).map((id) => signHs256({ ...claims, device_id: String(id), jti: randomBytes(12).toString('base64url') }, secret));
}
