import { describe } from './duration.js';
import type { JwtDevicesInvalidationOptions } from './module-options.js';

const KINDS = ['redis', 'postgres', 'bus'];
const SHAPES = '{ redis: { url } }, { postgres: true } or { bus }';

/** Checks the `invalidation` option; pushes one line per problem and returns it when valid. */
export function resolveInvalidation(value: unknown, problems: string[]): JwtDevicesInvalidationOptions | undefined {
  if (value === undefined) return undefined;
  const before = problems.length;
  const refuse = (problem: string): void => void problems.push(`invalidation: ${problem}`);
  if (!isObject(value)) {
    refuse(`must be ${SHAPES} (got ${describe(value)})`);
    return undefined;
  }
  const kinds = Object.keys(value);
  if (kinds.length !== 1 || !KINDS.includes(kinds[0])) {
    refuse(`must have exactly one of redis, postgres or bus (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
    return undefined;
  }
  if ('bus' in value) {
    const { bus } = value;
    if (!isObject(bus) || typeof bus.publish !== 'function' || typeof bus.subscribe !== 'function' || typeof bus.trusted !== 'boolean') {
      refuse('bus: must be a DeviceInvalidationBus (publish, subscribe and a boolean trusted)');
    }
  } else if ('postgres' in value) {
    const { postgres } = value;
    if (postgres !== true) {
      if (!isObject(postgres)) refuse(`postgres: must be true or { channel? } (got ${describe(postgres)})`);
      else checkFields('postgres', postgres, ['channel'], refuse);
    }
  } else {
    const { redis } = value;
    if (!isObject(redis)) refuse(`redis: must be { url, channel? } (got ${describe(redis)})`);
    else {
      checkFields('redis', redis, ['url', 'channel'], refuse);
      // Never quoted: the URL may hold a password.
      if (typeof redis.url !== 'string' || !/^rediss?:\/\/./.test(redis.url)) refuse('redis.url: must be a redis:// or rediss:// URL');
    }
  }
  return problems.length === before ? (value as JwtDevicesInvalidationOptions) : undefined;
}

function checkFields(kind: string, fields: Record<string, unknown>, known: string[], refuse: (problem: string) => void): void {
  for (const key of Object.keys(fields)) if (!known.includes(key)) refuse(`${kind}.${key}: unknown option`);
  if (fields.channel !== undefined && (typeof fields.channel !== 'string' || fields.channel.length === 0)) {
    refuse(`${kind}.channel: must be a non-empty string`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
