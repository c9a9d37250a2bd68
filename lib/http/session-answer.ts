import type { ResolvedJwtDevicesOptions } from '../options/resolved-options.js';
import type { SessionResult } from '../sessions.service.js';
import { setAuthCookie } from './auth-cookie.js';

/** The body of a login or device refresh; with `authCookie`, the access token also goes into the cookie. */
export function answerSession(
  { body, accessToken }: SessionResult,
  request: unknown,
  response: unknown,
  { authCookie, accessTokenTtl }: Pick<ResolvedJwtDevicesOptions, 'authCookie' | 'accessTokenTtl'>,
): object {
  if (authCookie !== undefined) setAuthCookie(request, response, authCookie, accessToken, accessTokenTtl);
  return body;
}
