import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { DatabaseKind } from '../cli-options.js';
import { login, requestJson } from '../http-setup.js';
import { RefreshChains } from '../load/refresh-chains.js';
import { PARENT_WATCH, SAMPLE_APP_MAIN } from '../paths.js';
import { scenarioId, type Scenario } from '../scenario.js';
import { chainTokenIssuer } from '../seed/device-seed.js';
import { openDeviceStore } from './device-store.js';
import { launch, type LaunchContext } from './launch.js';

const USER = { username: 'bench-user', password: 'bench-password-1' };

export interface SampleAppPlan {
  database: DatabaseKind;
  devices: number;
  withPublic: boolean;
  /** Devices refreshed in turn, one chain each; 0 leaves the refresh scenario out. */
  refreshChains: number;
  /** The app whose GET /public the ratios of this one are taken against. */
  baselineAppId: string;
  /** Device and user caches on (300 s each) with push invalidation through Redis (`REDIS_URL`, default the local one). */
  cached?: boolean;
}

export const sampleAppId = (database: DatabaseKind, devices: number, cached = false): string =>
  `sample-${database}-${devices}${cached ? '-cached' : ''}`;

/** The caches and their invalidation, as a multi-instance deployment would turn them on. */
function cacheEnvironment(cached: boolean | undefined): Record<string, string> {
  if (!cached) return { JWT_DEVICES_DEVICE_CACHE_TTL: '0' };
  return { JWT_DEVICES_DEVICE_CACHE_TTL: '300', JWT_DEVICES_USER_CACHE_TTL: '300', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
}

/**
 * The production build of the sample app (dist/sample-app/main.js) on a fresh database, with one user
 * who logged in once (a real scrypt login), and the Device table seeded to `devices` rows.
 */
export async function startSampleApp(context: LaunchContext, plan: SampleAppPlan): Promise<Scenario[]> {
  const appId = sampleAppId(plan.database, plan.devices, plan.cached);
  const store = await openDeviceStore(plan.database, appId, context.cleanup);
  const secret = randomBytes(32).toString('base64url');
  const { server, url: origin } = await launch(context, appId, ['--import', pathToFileURL(PARENT_WATCH).href, SAMPLE_APP_MAIN], {
    DATABASE_URL: store.url,
    JWT_SECRET: secret,
    THROTTLE_LIMIT: '0',
    PURGE_INTERVAL: '0',
    ...cacheEnvironment(plan.cached),
    // Longer than any run, so no token expires mid-measurement.
    JWT_DEVICES_ACCESS_TOKEN_TTL: '3600',
  });
  const { id } = await requestJson<{ id: number }>(origin, 'POST', '/users', USER);
  const { token } = await login(origin, USER.username, USER.password);
  const started = Date.now();
  const chainTokens = await store.seed({
    fillerRows: plan.devices,
    chainUserId: String(id),
    chains: plan.refreshChains,
    issueChainToken: chainTokenIssuer(secret),
    now: Date.now(),
  });
  console.log(`${appId}: seeded ${plan.devices.toLocaleString('en')} devices in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const app = `sample app, ${plan.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${plan.devices.toLocaleString('en')} devices${plan.cached ? ', caches + Redis invalidation' : ''}`;
  const baselineId = scenarioId(plan.baselineAppId, 'public');
  const scenarios: Scenario[] = [];
  const add = (name: string, label: string, request: Scenario['request']): void => {
    scenarios.push({ id: scenarioId(appId, name), app, label, origin, serverPid: server.pid, request, baselineId });
  };
  if (plan.withPublic) add('public', 'unguarded GET /public', { method: 'GET', path: '/public' });
  add('profile', 'guarded GET /profile', { method: 'GET', path: '/profile', headers: { authorization: `Bearer ${token}` } });
  if (plan.refreshChains > 0) add('refresh', 'device refresh, rotating', new RefreshChains(chainTokens).request('/device-refresh-token'));
  return scenarios;
}
