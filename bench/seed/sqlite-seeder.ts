import Database from 'better-sqlite3';
import { FILLER_DEVICES_PER_USER, FILLER_USER_ID_BASE, type DeviceSeed } from './device-seed.js';

const COLUMNS = 'user_id, token_hash, generation, legacy_token_hash, rotated_at, name, details, created, last_request_datetime';

/**
 * Bulk-inserts the seed into the running app's SQLite file, in one transaction: filler rows come from
 * one recursive-CTE INSERT ... SELECT, so a million rows never cross into JavaScript. Returns the chains'
 * permanent tokens.
 */
export function seedSqlite(path: string, seed: DeviceSeed): string[] {
  const db = new Database(path);
  try {
    // For this connection only: a 1 GiB page cache and no fsync turn a million random-key index inserts
    // from half a minute into seconds. The app's own connection keeps its settings.
    db.pragma('cache_size = -1048576');
    db.pragma('synchronous = OFF');
    const fill = db.prepare(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @rows)
      INSERT INTO jwt_devices_device (${COLUMNS})
      SELECT CAST(@base + i / @perUser AS TEXT), lower(hex(randomblob(32))), 0, NULL, NULL, 'seeded device', '', @now, @now FROM n`);
    const chain = db.prepare(`INSERT INTO jwt_devices_device (${COLUMNS}) VALUES (?, NULL, 0, NULL, NULL, 'bench refresh chain', '', ?, ?)`);
    const setHash = db.prepare('UPDATE jwt_devices_device SET token_hash = ? WHERE id = ?');
    const tokens = db.transaction(() => {
      if (seed.fillerRows > 0) fill.run({ rows: seed.fillerRows, base: FILLER_USER_ID_BASE, perUser: FILLER_DEVICES_PER_USER, now: seed.now });
      return Array.from({ length: seed.chains }, () => {
        const id = Number(chain.run(seed.chainUserId, seed.now, seed.now).lastInsertRowid);
        const { token, hash } = seed.issueChainToken(id, seed.now);
        setHash.run(hash, id);
        return token;
      });
    })();
    // Leave the app a small WAL, as after a quiet night, not one holding the whole seed.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return tokens;
  } finally {
    db.close();
  }
}
