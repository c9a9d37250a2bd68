import { appendResponseHeader } from '../platform/response-headers.js';

/** Sets the access token as an HttpOnly cookie that lives as long as the token, next to any cookie the app set. */
export function setAuthCookie(request: unknown, response: unknown, name: string, token: string, maxAgeSeconds: number): void {
  const secure = (request as { protocol?: string }).protocol === 'https' ? '; Secure' : '';
  const cookie = `${name}=${token}; Path=/; Max-Age=${Math.floor(maxAgeSeconds)}; HttpOnly; SameSite=Strict${secure}`;
  appendResponseHeader(response, 'Set-Cookie', cookie);
}
