import { jwtConstants } from '../docs-recipe/constants.js';
import { signHs256 } from '../load/hs256.js';
import { DOCS_RECIPE_MAIN } from '../paths.js';
import { scenarioId, type Scenario } from '../scenario.js';
import { launch, type LaunchContext } from './launch.js';

export const DOCS_RECIPE_ID = 'docs-recipe';

/** The NestJS docs' recipe: AuthGuard('jwt'), passport-jwt, a string secret; a token as its login would sign it. */
export async function startDocsRecipe(context: LaunchContext): Promise<Scenario[]> {
  const { server, url: origin } = await launch(context, DOCS_RECIPE_ID, [DOCS_RECIPE_MAIN], {});
  const iat = Math.floor(Date.now() / 1000);
  const token = signHs256({ sub: 1, username: 'docs-user', iat, exp: iat + 3600 }, jwtConstants.secret);
  const app = 'docs recipe, AuthGuard(jwt), no database';
  const baselineId = scenarioId(DOCS_RECIPE_ID, 'public');
  return [
    { id: scenarioId(DOCS_RECIPE_ID, 'public'), app, label: 'unguarded GET /public', origin, serverPid: server.pid, request: { method: 'GET', path: '/public' }, baselineId },
    {
      id: scenarioId(DOCS_RECIPE_ID, 'profile'),
      app,
      label: 'guarded GET /profile',
      origin,
      serverPid: server.pid,
      request: { method: 'GET', path: '/profile', headers: { authorization: `Bearer ${token}` } },
      baselineId,
    },
  ];
}
