import { randomBytes } from 'node:crypto';

// Identifiers stay within [a-z0-9_] and under the 63-byte PostgreSQL / 64-byte MySQL limits.
const MAX_PREFIX_LENGTH = 32;

/**
 * A database name no other suite or test process can pick: the prefix (usually the
 * URL's own database, so CI can drop leftovers by prefix), the process id and 48 random bits.
 */
export function uniqueDatabaseName(prefix: string): string {
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, MAX_PREFIX_LENGTH) || 'test';
  return `${safePrefix}_${process.pid}_${randomBytes(6).toString('hex')}`;
}
