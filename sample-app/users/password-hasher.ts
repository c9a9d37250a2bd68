import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify<string | Buffer, Buffer, number, ScryptOptions, Buffer>(scrypt);

// 2^14 keeps scrypt's memory (128 * N * r = 16 MiB) under Node's default 32 MiB maxmem.
const COST = 2 ** 14;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const SCHEME = 'scrypt';

/** `scrypt$N$r$p$salt$hash` with base64url salt and hash, so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return [SCHEME, COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  // A malformed hash still costs one scrypt, like every other answer.
  const target = parsed ?? DUMMY_HASH;
  const hash = await scryptAsync(password, target.salt, target.hash.length, {
    N: target.cost,
    r: target.blockSize,
    p: target.parallelism,
  });
  return timingSafeEqual(hash, target.hash) && parsed !== undefined;
}

/** Verified against when a username is unknown, so the answer takes as long as for a real user. */
export const DUMMY_PASSWORD_HASH = [
  SCHEME, COST, BLOCK_SIZE, PARALLELISM,
  Buffer.alloc(SALT_BYTES, 1).toString('base64url'),
  Buffer.alloc(KEY_LENGTH).toString('base64url'),
].join('$');
const DUMMY_HASH = parseHash(DUMMY_PASSWORD_HASH)!;

interface ParsedHash {
  cost: number;
  blockSize: number;
  parallelism: number;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, cost, blockSize, parallelism, salt, hash, ...rest] = stored.split('$');
  if (scheme !== SCHEME || rest.length > 0 || !salt || !hash) return undefined;
  const parsed = {
    cost: Number(cost),
    blockSize: Number(blockSize),
    parallelism: Number(parallelism),
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
  const valid = [parsed.cost, parsed.blockSize, parsed.parallelism].every((n) => Number.isSafeInteger(n) && n > 0);
  return valid && parsed.hash.length > 0 ? parsed : undefined;
}
