import type { JwtDevicesRoutesOptions, JwtDevicesStaticOptions } from './module-options.js';

/** Checks the options that `forRoot`/`forRootAsync` need before the app boots. */
export function checkStaticOptions(options: JwtDevicesStaticOptions | undefined): string[] {
  if (typeof options !== 'object' || options === null) return ['options: an object is required'];
  const problems: string[] = [];
  const { routes, providers, isGlobal } = options;
  if (routes !== undefined && routes !== false) {
    const prefix = (routes as JwtDevicesRoutesOptions | null)?.prefix;
    if (typeof routes !== 'object' || routes === null || (prefix !== undefined && typeof prefix !== 'string')) {
      problems.push('routes: must be false or { prefix?: string }');
    }
  }
  if (providers !== undefined && !Array.isArray(providers)) problems.push('providers: must be an array of providers');
  if (isGlobal !== undefined && typeof isGlobal !== 'boolean') problems.push('isGlobal: must be true or false');
  return problems;
}
