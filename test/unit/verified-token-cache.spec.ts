import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerifiedTokenCache } from '../../lib/store/verified-token-cache.js';

type Decoded = ReturnType<typeof decoded>;
const decoded = (n: number) => ({ header: { alg: 'HS256' }, payload: { user_id: n, roles: ['a'], profile: { team: 't' } } });

describe('VerifiedTokenCache', () => {
  it('answers a remembered token with its decoding, and nothing for any other token', () => {
    const cache = new VerifiedTokenCache<Decoded>();
    cache.remember('token-1', decoded(1));
    assert.deepEqual(cache.get('token-1'), decoded(1));
    assert.equal(cache.get('token-2'), undefined);
  });

  it('freezes what it holds, nested objects included, so one request cannot change the claims of the next', () => {
    const cache = new VerifiedTokenCache<Decoded>();
    const entry = decoded(1);
    cache.remember('token-1', entry);
    const payload = cache.get('token-1')!.payload as ReturnType<typeof decoded>['payload'];
    assert.throws(() => {
      payload.user_id = 2;
    }, TypeError);
    assert.throws(() => payload.roles.push('admin'), TypeError);
    assert.throws(() => {
      payload.profile.team = 'other';
    }, TypeError);
    assert.deepEqual(cache.get('token-1'), decoded(1));
  });

  it('holds at most its bound, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache<Decoded>(3);
    for (let n = 1; n <= 5; n++) cache.remember(`token-${n}`, decoded(n));
    assert.equal(cache.size, 3);
    assert.equal(cache.get('token-1'), undefined);
    assert.equal(cache.get('token-2'), undefined);
    assert.deepEqual(cache.get('token-5'), decoded(5));
  });
});
