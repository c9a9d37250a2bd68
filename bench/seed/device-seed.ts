import { createHash, randomBytes } from 'node:crypto';

/** What goes into the Device table before a run. */
export interface DeviceSeed {
  /** Rows of other users, five devices each, so the table has the size under test. */
  fillerRows: number;
  /** The bench user's devices, one per refresh chain. */
  chainUserId: string;
  chainTokenHashes: string[];
  now: Date;
}

export const FILLER_DEVICES_PER_USER = 5;
/** Filler users' ids start here, far above the ids of users the bench creates. */
export const FILLER_USER_ID_BASE = 1_000_000;

/** Permanent tokens of the library's shape (32 random bytes, base64url), one per refresh chain. */
export function newChainTokens(count: number): { tokens: string[]; hashes: string[] } {
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString('base64url'));
  // The library stores the SHA-256 hex of a permanent token, never the token (TokensService.hashPermanentToken).
  const hashes = tokens.map((token) => createHash('sha256').update(token, 'utf8').digest('hex'));
  return { tokens, hashes };
}
