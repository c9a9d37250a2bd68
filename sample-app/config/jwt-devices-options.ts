import { Logger } from '@nestjs/common';
import type { JwtDevicesRoutesOptions } from '../../lib/index.js';
import { JWT_DEVICES_OPTIONS, jwtDevicesVariable, type AppConfig, type JwtDevicesEnvOptions, type JwtDevicesOption, type SampleAppEnv } from './env.schema.js';

/** Public on purpose: it only exists so `npm start` works out of the box. Never use it in production. */
export const DEVELOPMENT_JWT_SECRET = 'nestjs-jwt-devices-sample-app-DEVELOPMENT-ONLY-secret';

/** The module options from their JWT_DEVICES_* variables; unset ones are left out, so the module's defaults apply. */
export function jwtDevicesOptions(config: AppConfig): JwtDevicesEnvOptions {
  const options: JwtDevicesEnvOptions = Object.fromEntries(
    (Object.keys(JWT_DEVICES_OPTIONS) as JwtDevicesOption[]).map((option) => [option, config.get(jwtDevicesVariable(option), { infer: true })]),
  );
  const redisUrl = config.get('REDIS_URL', { infer: true });
  if (options.invalidation === undefined && redisUrl !== undefined) options.invalidation = { redis: { url: redisUrl } };
  // JWT_SECRET and the development default are for HMAC only: the module refuses a secret next to RS/PS/ES keys.
  const hmac = options.privateKey === undefined && options.publicKey === undefined && (options.algorithm ?? 'HS256').startsWith('HS');
  if (!hmac || options.secret !== undefined) return options;
  const secret = config.get('JWT_SECRET', { infer: true });
  if (secret === undefined) warnAboutDevelopmentSecret();
  return { ...options, secret: secret ?? DEVELOPMENT_JWT_SECRET };
}

/** The built-in routes: mounted under JWT_DEVICES_ROUTES_PREFIX, or not at all with JWT_DEVICES_ROUTES=false. */
export function jwtDevicesRoutes(env: SampleAppEnv): JwtDevicesRoutesOptions | false {
  if (!env.JWT_DEVICES_ROUTES) return false;
  // Slashes around it are the module's to trim, as they are the throttler's.
  return env.JWT_DEVICES_ROUTES_PREFIX ? { prefix: env.JWT_DEVICES_ROUTES_PREFIX } : {};
}

function warnAboutDevelopmentSecret(): void {
  const logger = new Logger('SampleApp');
  logger.warn('*'.repeat(72));
  logger.warn('JWT_SECRET is not set: signing tokens with the PUBLIC development secret.');
  logger.warn('Anyone can forge tokens for this app. Set JWT_SECRET (32+ random bytes) before real use.');
  logger.warn('*'.repeat(72));
}
