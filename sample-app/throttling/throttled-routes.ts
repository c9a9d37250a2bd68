import type { JwtDevicesRoutesOptions } from '../../lib/index.js';
import { USERS_PATH } from '../users/users.controller.js';

export type ThrottledRoute = 'login' | 'refresh' | 'sign-up';

/** Where the module mounts login and device refresh, which body field names the user, and the app's sign-up. */
export interface ThrottledRoutes {
  loginPath: string | undefined;
  refreshPath: string | undefined;
  signUpPath: string;
  usernameField: string;
}

export function throttledRoutes(routes: JwtDevicesRoutesOptions | false, usernameField = 'username'): ThrottledRoutes {
  const signUpPath = `/${USERS_PATH}`;
  if (routes === false) return { loginPath: undefined, refreshPath: undefined, signUpPath, usernameField };
  const prefix = (routes.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = prefix ? `/${prefix}` : '';
  return { loginPath: `${base}/auth-token`, refreshPath: `${base}/device-refresh-token`, signUpPath, usernameField };
}

/**
 * Which throttled route a request reached. It reads the route pattern the router matched, not the
 * raw URL, so case, percent-encoding or a trailing slash cannot slip a request past the limit.
 */
export function throttledRouteOf(request: unknown, routes: ThrottledRoutes): ThrottledRoute | undefined {
  const { method, route, routeOptions } = request as {
    method?: unknown;
    route?: { path?: unknown }; // Express
    routeOptions?: { url?: unknown }; // Fastify
  };
  if (method !== 'POST') return undefined;
  const pattern = routeOptions?.url ?? route?.path;
  if (typeof pattern !== 'string') return undefined;
  const path = pattern.length > 1 ? pattern.replace(/\/$/, '') : pattern;
  if (path === routes.loginPath) return 'login';
  if (path === routes.refreshPath) return 'refresh';
  if (path === routes.signUpPath) return 'sign-up';
  return undefined;
}
