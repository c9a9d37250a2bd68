import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAccessTokenStale, readAccessTokenTimes } from '../../lib/client/index.js';

const jwt = (claims: object) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('reading an access token without verifying it', () => {
  it('reads exp and iat, with non-ASCII claims beside them', () => {
    assert.deepEqual(readAccessTokenTimes(jwt({ username: 'zoë 🚀', iat: 1000, exp: 1300 })), { iat: 1000, exp: 1300 });
  });

  it('reads nothing from text that is not a JWT with a JSON payload', () => {
    for (const token of ['', 'opaque', 'a.b!.c', `x.${Buffer.from('not json').toString('base64url')}.y`, `x.${Buffer.from('42').toString('base64url')}.y`]) {
      assert.deepEqual(readAccessTokenTimes(token), {}, token);
    }
    assert.deepEqual(readAccessTokenTimes(jwt({ exp: '1300' })), { exp: undefined, iat: undefined });
  });

  it('is stale within the skew of exp, the skew capped at half the lifetime', () => {
    const token = jwt({ iat: 1000, exp: 1300 });
    assert.equal(isAccessTokenStale(token, 1269_000, 30), false);
    assert.equal(isAccessTokenStale(token, 1270_000, 30), true);
    const short = jwt({ iat: 1000, exp: 1004 });
    assert.equal(isAccessTokenStale(short, 1001_900, 30), false);
    assert.equal(isAccessTokenStale(short, 1002_000, 30), true);
  });

  it('leaves a token without exp to the server', () => {
    assert.equal(isAccessTokenStale('opaque', Number.MAX_SAFE_INTEGER, 30), false);
  });
});
