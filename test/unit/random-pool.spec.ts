import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RandomPool } from '../../lib/crypto/random-pool.js';

describe('RandomPool', () => {
  it('hands out base64url strings of the asked length, none twice, across many refills of the pool', () => {
    const pool = new RandomPool();
    const seen = new Set<string>();
    for (let draw = 0; draw < 5000; draw++) {
      const token = pool.base64url(32);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
      const jti = pool.base64url(16);
      assert.match(jti, /^[A-Za-z0-9_-]{22}$/);
      seen.add(jti);
    }
    assert.equal(seen.size, 10_000);
  });

  it('draws bytes that cover every value about evenly', () => {
    const pool = new RandomPool();
    const counts = new Array<number>(256).fill(0);
    for (let draw = 0; draw < 4096; draw++) {
      for (const byte of Buffer.from(pool.base64url(64), 'base64url')) counts[byte]++;
    }
    // 262,144 bytes: 1,024 expected per value; a stuck or biased source lands far outside this band.
    assert.ok(Math.min(...counts) > 850 && Math.max(...counts) < 1200, `counts from ${Math.min(...counts)} to ${Math.max(...counts)}`);
  });

  it('keeps no handed-out byte in its buffer', () => {
    const pool = new RandomPool();
    pool.base64url(100);
    const buffer = (pool as unknown as { pool: Buffer }).pool;
    assert.ok(buffer.subarray(0, 100).every((byte) => byte === 0));
    assert.ok(buffer.subarray(100, 200).some((byte) => byte !== 0), 'the rest of the pool is still random');
  });

  it('refuses sizes it cannot serve', () => {
    const pool = new RandomPool();
    for (const bytes of [0, -1, 1.5, 4097, Number.NaN]) assert.throws(() => pool.base64url(bytes), RangeError, String(bytes));
  });
});
