import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BENCH_PASSWORD, BENCH_USERS } from '../bench-app/bench-credentials.js';
import { login } from '../http-setup.js';
import { BENCH_APP_MAIN, WORK_DIR } from '../paths.js';
import { scenarioId, type Scenario } from '../scenario.js';
import { launch, type LaunchContext } from './launch.js';

export const BENCH_APP_ID = 'bench-app';
/** How many devices the listed user has. */
const LISTED_DEVICES = 5;

/** The bench app (users in memory, no password hashing), for login, device list and its own unguarded route. */
export async function startBenchApp(context: LaunchContext): Promise<Scenario[]> {
  const { server, url: origin } = await launch(context, BENCH_APP_ID, [BENCH_APP_MAIN], {
    BENCH_SQLITE_PATH: join(WORK_DIR, `${BENCH_APP_ID}.sqlite`),
    JWT_SECRET: randomBytes(32).toString('base64url'),
  });
  let listerToken = '';
  for (let device = 0; device < LISTED_DEVICES; device++) listerToken = (await login(origin, BENCH_USERS.lister, BENCH_PASSWORD)).token;
  const profileToken = (await login(origin, BENCH_USERS.profile, BENCH_PASSWORD)).token;

  const app = 'bench app, SQLite, users in memory';
  const baselineId = scenarioId(BENCH_APP_ID, 'public');
  const scenario = (name: string, label: string, request: Scenario['request']): Scenario => ({
    id: scenarioId(BENCH_APP_ID, name),
    app,
    label,
    origin,
    serverPid: server.pid,
    request,
    baselineId,
  });
  return [
    scenario('public', 'unguarded GET /public', { method: 'GET', path: '/public' }),
    scenario('profile', 'guarded GET /profile', { method: 'GET', path: '/profile', headers: { authorization: `Bearer ${profileToken}` } }),
    scenario('login', 'login, no password hashing', {
      method: 'POST',
      path: '/auth-token',
      headers: { 'content-type': 'application/json', 'user-agent': 'autocannon' },
      body: JSON.stringify({ username: BENCH_USERS.login, password: BENCH_PASSWORD }),
    }),
    scenario('devices', `device list GET /devices (${LISTED_DEVICES} devices)`, {
      method: 'GET',
      path: '/devices',
      headers: { authorization: `Bearer ${listerToken}` },
    }),
  ];
}
