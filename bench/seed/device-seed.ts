import { createSecretKey } from 'node:crypto';
import { PermanentTokenCodec, type IssuedVersionedToken } from '../../lib/crypto/permanent-token-codec.js';
import { resolvePermanentTokenKeys } from '../../lib/options/permanent-token-keys.js';

/** Makes the permanent token of a seeded device from its id and `created` (epoch ms). */
export type ChainTokenIssuer = (deviceId: number, created: number) => IssuedVersionedToken;

/** What goes into the Device table before a run. */
export interface DeviceSeed {
  /** Rows of other users, five devices each, so the table has the size under test. */
  fillerRows: number;
  /** The bench user's devices, one per refresh chain. */
  chainUserId: string;
  chains: number;
  /** A chain's token names its device, so it is issued once the row has its id. */
  issueChainToken: ChainTokenIssuer;
  /** Epoch ms, as the device table stores times. */
  now: number;
}

export const FILLER_DEVICES_PER_USER = 5;
/** Filler users' ids start here, far above the ids of users the bench creates. */
export const FILLER_USER_ID_BASE = 1_000_000;

/**
 * Version 2 permanent tokens at generation 0, as the app under test issues them at login: under the key
 * the module derives from its `secret` (no `permanentTokenSecrets`), so the app accepts and rotates them.
 */
export function chainTokenIssuer(jwtSecret: string): ChainTokenIssuer {
  const problems: string[] = [];
  const keys = resolvePermanentTokenKeys(undefined, createSecretKey(Buffer.from(jwtSecret)), problems);
  if (!keys) throw new Error(`no permanent-token key from the bench's JWT_SECRET: ${problems.join('; ')}`);
  const codec = new PermanentTokenCodec(keys);
  return (deviceId, created) => codec.issue({ deviceId, created, generation: 0, issuedAt: created });
}
