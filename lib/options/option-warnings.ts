import type { ResolvedJwtDevicesOptions } from './resolved-options.js';

/** Combinations that are legitimate but easy to misread: logged at boot, never refused. */
export function optionWarnings(options: ResolvedJwtDevicesOptions): string[] {
  const warnings: string[] = [];
  const { permanentTokenAuth, accessTokenTtl, permanentTokenExpirationDelta: idleExpiry } = options;
  if (permanentTokenAuth && accessTokenTtl > idleExpiry) {
    warnings.push(
      `accessTokenTtl (${accessTokenTtl} s) is longer than permanentTokenExpirationDelta (${idleExpiry} s): ` +
        'a device not refreshed within the idle window expires, and its access tokens get 401 before their exp',
    );
  }
  if (options.invalidation && options.deviceCacheTtl === 0) {
    warnings.push('invalidation is set but deviceCacheTtl is 0: there is no device cache to invalidate, so it only costs connections');
  }
  return warnings;
}
