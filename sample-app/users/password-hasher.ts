import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify<string | Buffer, Buffer, number, ScryptOptions, Buffer>(scrypt);

/** OWASP Password Storage Cheat Sheet: scrypt with N = 2^17, r = 8, p = 1. */
export const DEFAULT_PASSWORD_HASH_COST = 17;
/** The range PASSWORD_HASH_COST accepts: below 2^14 only tests should go; 2^20 already needs 1 GiB per hash. */
export const MIN_PASSWORD_HASH_COST = 10;
export const MAX_PASSWORD_HASH_COST = 20;

const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const SCHEME = 'scrypt';
// Node refuses scrypt above maxmem (32 MiB by default); OpenSSL needs 128 * N * r * p plus a few blocks.
const MAXMEM_HEADROOM = 1024 * 1024;

interface ScryptParameters {
  cost: number;
  blockSize: number;
  parallelism: number;
}

interface ParsedHash extends ScryptParameters {
  salt: Buffer;
  hash: Buffer;
}

/**
 * scrypt password hashes stored as `scrypt$N$r$p$salt$hash` (base64url salt and hash): each hash
 * carries its parameters, so hashes made under an older cost still verify after it is raised.
 */
export class PasswordHasher {
  private readonly parameters: ScryptParameters;
  /** Verified against when a username is unknown, at the current parameters, so that answer costs what a real one does. */
  private readonly dummy: ParsedHash;

  /** @param log2Cost scrypt's N as a power of two (17 = N 131072). */
  constructor(log2Cost: number = DEFAULT_PASSWORD_HASH_COST) {
    if (!Number.isInteger(log2Cost) || log2Cost < MIN_PASSWORD_HASH_COST || log2Cost > MAX_PASSWORD_HASH_COST) {
      throw new RangeError(`scrypt cost must be a whole number from ${MIN_PASSWORD_HASH_COST} to ${MAX_PASSWORD_HASH_COST}`);
    }
    this.parameters = { cost: 2 ** log2Cost, blockSize: BLOCK_SIZE, parallelism: PARALLELISM };
    this.dummy = { ...this.parameters, salt: Buffer.alloc(SALT_BYTES, 1), hash: Buffer.alloc(KEY_LENGTH) };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const { cost, blockSize, parallelism } = this.parameters;
    const hash = await derive(password, salt, KEY_LENGTH, this.parameters);
    return [SCHEME, cost, blockSize, parallelism, salt.toString('base64url'), hash.toString('base64url')].join('$');
  }

  /** Constant-time check of a password against a stored hash; a malformed hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored, this.parameters);
    // A malformed hash still costs one scrypt, like every other answer.
    const target = parsed ?? this.dummy;
    const hash = await derive(password, target.salt, target.hash.length, target);
    const matches = timingSafeEqual(hash, target.hash) && parsed !== undefined;
    // A wrong password against an older, cheaper hash then costs what an unknown username does, so timing tells neither apart.
    if (!matches && parsed && work(parsed) < work(this.parameters)) await this.verifyNothing(password);
    return matches;
  }

  /** One scrypt at the current parameters that matches nothing: the answer for an unknown username. */
  async verifyNothing(password: string): Promise<void> {
    await derive(password, this.dummy.salt, this.dummy.hash.length, this.dummy);
  }

  /** True when a stored hash was made with other parameters than the current ones. */
  needsRehash(stored: string): boolean {
    const parsed = parseHash(stored, this.parameters);
    const { cost, blockSize, parallelism } = this.parameters;
    return parsed === undefined || parsed.cost !== cost || parsed.blockSize !== blockSize || parsed.parallelism !== parallelism;
  }
}

function derive(password: string, salt: Buffer, keyLength: number, { cost, blockSize, parallelism }: ScryptParameters): Promise<Buffer> {
  const maxmem = 128 * cost * blockSize * parallelism + MAXMEM_HEADROOM;
  return scryptAsync(password, salt, keyLength, { N: cost, r: blockSize, p: parallelism, maxmem });
}

/** scrypt's memory is 128 * N * r bytes and its time grows with N * r * p. */
const memory = ({ cost, blockSize }: ScryptParameters): number => 128 * cost * blockSize;
const work = ({ cost, blockSize, parallelism }: ScryptParameters): number => cost * blockSize * parallelism;

const OWASP: ScryptParameters = { cost: 2 ** DEFAULT_PASSWORD_HASH_COST, blockSize: BLOCK_SIZE, parallelism: PARALLELISM };
// A stored hash may cost at most twice the current or OWASP's parameters, whichever is more, so a corrupt or planted row cannot make one login allocate gigabytes.
const MAX_STORED_COST_FACTOR = 2;
const MAX_STORED_KEY_LENGTH = 256;

function parseHash(stored: string, current: ScryptParameters): ParsedHash | undefined {
  const [scheme, cost, blockSize, parallelism, salt, hash, ...rest] = stored.split('$');
  if (scheme !== SCHEME || rest.length > 0 || !salt || !hash) return undefined;
  const parsed = {
    cost: Number(cost),
    blockSize: Number(blockSize),
    parallelism: Number(parallelism),
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
  const valid =
    isIntegerIn(parsed.cost, 2, 2 ** MAX_PASSWORD_HASH_COST) && (parsed.cost & (parsed.cost - 1)) === 0 &&
    isIntegerIn(parsed.blockSize, 1, 64) &&
    isIntegerIn(parsed.parallelism, 1, 64) &&
    memory(parsed) <= MAX_STORED_COST_FACTOR * Math.max(memory(current), memory(OWASP)) &&
    work(parsed) <= MAX_STORED_COST_FACTOR * Math.max(work(current), work(OWASP)) &&
    isIntegerIn(parsed.hash.length, 1, MAX_STORED_KEY_LENGTH);
  return valid ? parsed : undefined;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}
