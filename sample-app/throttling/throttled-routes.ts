import type { JwtDevicesRoutesOptions } from '../../lib/index.js';

export type ThrottledRoute = 'login' | 'refresh';

/** Where the module mounts login and device refresh, and which body field names the user. */
export interface ThrottledRoutes {
  loginPath: string | undefined;
  refreshPath: string | undefined;
  usernameField: string;
}

export function throttledRoutes(routes: JwtDevicesRoutesOptions | false, usernameField = 'username'): ThrottledRoutes {
  if (routes === false) return { loginPath: undefined, refreshPath: undefined, usernameField };
  const prefix = (routes.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = prefix ? `/${prefix}` : '';
  return { loginPath: `${base}/auth-token`, refreshPath: `${base}/device-refresh-token`, usernameField };
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
  return undefined;
}
