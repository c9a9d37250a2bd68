import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap } from '../../lib/store/bounded-map.js';

describe('BoundedMap', () => {
  it('holds at most its bound, dropping the oldest entry first', () => {
    const map = new BoundedMap<number, string>(2);
    map.set(1, 'a').set(2, 'b').set(3, 'c');
    assert.deepEqual([...map], [[2, 'b'], [3, 'c']]);
  });

  it('re-setting a key makes it the newest, so the next one to go is another', () => {
    const map = new BoundedMap<number, string>(2);
    map.set(1, 'a').set(2, 'b').set(1, 'a2').set(3, 'c');
    assert.deepEqual([...map], [[1, 'a2'], [3, 'c']]);
  });
});
