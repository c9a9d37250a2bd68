import { CrossSiteRequestError } from '../errors/jwt-devices.error.js';
import { CSRF_HEADER } from '../jwt-devices.constants.js';
import { readCookie, readHeader } from '../platform/request-headers.js';

// RFC 9110's safe methods: they must not change state, so a forged one achieves nothing.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * With `authCookie`, refuses a request whose access token comes from the cookie (no
 * `Authorization` header), whose method is unsafe and that lacks the CSRF header. Runs before
 * the token is read, so a refusal touches no database.
 */
export function assertNotCrossSiteCookieRequest(request: unknown, authCookie: string | undefined): void {
  if (authCookie === undefined || readHeader(request, 'authorization') !== undefined) return;
  if (readCookie(request, authCookie) === undefined) return;
  const method = (request as { method?: unknown }).method;
  if (typeof method === 'string' && SAFE_METHODS.has(method.toUpperCase())) return;
  if (readHeader(request, CSRF_HEADER.toLowerCase())?.trim()) return;
  throw new CrossSiteRequestError('csrf-header');
}

/**
 * With `authCookie`, login takes only a JSON body: a cross-site page can send a form,
 * multipart or text/plain body without a CORS preflight, and would log the victim's browser
 * into the attacker's account (login CSRF). JSON needs a preflight, which the app's CORS decides.
 */
export function assertJsonLogin(request: unknown, authCookie: string | undefined): void {
  if (authCookie === undefined) return;
  const mediaType = readHeader(request, 'content-type')?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') throw new CrossSiteRequestError('login-body');
}
