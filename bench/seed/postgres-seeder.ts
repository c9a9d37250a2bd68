import pg from 'pg';
import { FILLER_DEVICES_PER_USER, FILLER_USER_ID_BASE, type DeviceSeed } from './device-seed.js';

const COLUMNS = 'user_id, permanent_token_hash, previous_token_hash, rotated_at, name, details, created, last_request_datetime';

/**
 * Bulk-inserts the seed on PostgreSQL with generate_series, then VACUUM ANALYZE so autovacuum stays out of the
 * run, and a CHECKPOINT so the checkpointer is not still writing the seed out while the rounds run.
 */
export async function seedPostgres(url: string, seed: DeviceSeed): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (seed.fillerRows > 0) {
      await client.query(
        `INSERT INTO jwt_devices_device (${COLUMNS})
         SELECT ($2 + i / $3)::text, encode(sha256(('bench-seed-' || i)::bytea), 'hex'), NULL, NULL, 'seeded device', '', $4, $4
         FROM generate_series(1, $1::int) AS i`,
        [seed.fillerRows, FILLER_USER_ID_BASE, FILLER_DEVICES_PER_USER, seed.now],
      );
    }
    await client.query(
      `INSERT INTO jwt_devices_device (${COLUMNS})
       SELECT $1, hash, NULL, NULL, 'bench refresh chain', '', $3, $3 FROM unnest($2::text[]) AS hash`,
      [seed.chainUserId, seed.chainTokenHashes, seed.now],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE jwt_devices_device');
    await flushToDisk(client);
  } finally {
    await client.end();
  }
}

/** CHECKPOINT needs a superuser or the pg_checkpoint role; without either, the run goes on and only says so. */
async function flushToDisk(client: pg.Client): Promise<void> {
  try {
    await client.query('CHECKPOINT');
  } catch (error) {
    console.warn(`postgres: CHECKPOINT after seeding was refused (${error instanceof Error ? error.message : String(error)}); the server may still be writing the seed out during the first rounds`);
  }
}
