import { describe } from './duration.js';
import type { JwtDevicesInvalidationOptions } from './module-options.js';

const REDIS_KEYS = new Set(['url', 'channel']);

/** Checks the `invalidation` option; pushes one line per problem and returns it when valid. */
export function resolveInvalidation(value: unknown, problems: string[]): JwtDevicesInvalidationOptions | undefined {
  if (value === undefined) return undefined;
  const refuse = (problem: string) => {
    problems.push(`invalidation: ${problem}`);
    return undefined;
  };
  if (!isObject(value)) return refuse(`must be { redis: { url } } or { bus } (got ${describe(value)})`);
  const kinds = Object.keys(value);
  if (kinds.length !== 1 || (kinds[0] !== 'redis' && kinds[0] !== 'bus')) {
    return refuse(`must have exactly one of redis or bus (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
  }
  if ('bus' in value) {
    const { bus } = value;
    if (!isObject(bus) || typeof bus.publish !== 'function' || typeof bus.subscribe !== 'function' || typeof bus.trusted !== 'boolean') {
      return refuse('bus: must be a DeviceInvalidationBus (publish, subscribe and a boolean trusted)');
    }
    return value as JwtDevicesInvalidationOptions;
  }
  const { redis } = value;
  if (!isObject(redis)) return refuse(`redis: must be { url, channel? } (got ${describe(redis)})`);
  const before = problems.length;
  for (const key of Object.keys(redis)) if (!REDIS_KEYS.has(key)) refuse(`redis.${key}: unknown option`);
  // Never quoted: the URL may hold a password.
  if (typeof redis.url !== 'string' || !/^rediss?:\/\/./.test(redis.url)) refuse('redis.url: must be a redis:// or rediss:// URL');
  if (redis.channel !== undefined && (typeof redis.channel !== 'string' || redis.channel.length === 0)) {
    refuse('redis.channel: must be a non-empty string');
  }
  return problems.length === before ? (value as JwtDevicesInvalidationOptions) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
