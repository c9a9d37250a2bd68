import pg from 'pg';
import { FILLER_DEVICES_PER_USER, FILLER_USER_ID_BASE, type DeviceSeed } from './device-seed.js';

const COLUMNS = 'user_id, token_hash, generation, legacy_token_hash, rotated_at, name, details, created, last_request_datetime';

/**
 * Bulk-inserts the seed on PostgreSQL with generate_series, then VACUUM ANALYZE so autovacuum stays out of the
 * run, and a CHECKPOINT so the checkpointer is not still writing the seed out while the rounds run. Returns the
 * chains' permanent tokens.
 */
export async function seedPostgres(url: string, seed: DeviceSeed): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (seed.fillerRows > 0) {
      await client.query(
        `INSERT INTO jwt_devices_device (${COLUMNS})
         SELECT ($2 + i / $3)::text, encode(sha256(('bench-seed-' || i)::bytea), 'hex'), 0, NULL, NULL, 'seeded device', '', $4, $4
         FROM generate_series(1, $1::int) AS i`,
        [seed.fillerRows, FILLER_USER_ID_BASE, FILLER_DEVICES_PER_USER, seed.now],
      );
    }
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO jwt_devices_device (${COLUMNS})
       SELECT $1, NULL, 0, NULL, NULL, 'bench refresh chain', '', $3, $3 FROM generate_series(1, $2::int)
       RETURNING id`,
      [seed.chainUserId, seed.chains, seed.now],
    );
    const issued = rows.map(({ id }) => ({ id, ...seed.issueChainToken(Number(id), seed.now) }));
    await client.query(
      `UPDATE jwt_devices_device AS device SET token_hash = chain.hash
       FROM unnest($1::int[], $2::text[]) AS chain(id, hash) WHERE device.id = chain.id`,
      [issued.map(({ id }) => id), issued.map(({ hash }) => hash)],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE jwt_devices_device');
    await flushToDisk(client);
    return issued.map(({ token }) => token);
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
