import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Device } from '../../lib/index.js';
import { DeviceCache } from '../../lib/store/device-cache.js';

const device = (id: number): Device => Object.assign(new Device(), { id, userId: '1' });

describe('DeviceCache', () => {
  it('keeps a device read before any revocation, for its TTL', () => {
    const cache = new DeviceCache(1000);
    cache.set(device(1), 0, cache.ticket);
    assert.equal(cache.get(1, 999)?.id, 1);
    assert.equal(cache.get(1, 1000), undefined);
  });

  it('refuses a read that started before a revocation arrived, whichever device it named', () => {
    const cache = new DeviceCache(1000);
    const ticket = cache.ticket;
    cache.forget([2]);
    cache.set(device(1), 0, ticket);
    cache.set(device(2), 0, ticket);
    assert.equal(cache.size, 0);
    cache.set(device(1), 0, cache.ticket);
    assert.equal(cache.size, 1);
  });

  it('while suspended holds nothing and takes nothing; resumed, it starts empty and caches again', () => {
    const cache = new DeviceCache(1000);
    cache.set(device(1), 0, cache.ticket);
    const before = cache.ticket;
    cache.suspend();
    assert.equal(cache.get(1, 0), undefined);
    cache.set(device(2), 0, cache.ticket);
    assert.equal(cache.size, 0);
    cache.resume();
    cache.set(device(3), 0, before);
    assert.equal(cache.size, 0, 'a read from before the outage is refused');
    cache.set(device(3), 0, cache.ticket);
    assert.equal(cache.get(3, 0)?.id, 3);
  });

  it('holds at most its bound, dropping the oldest', () => {
    const cache = new DeviceCache(1000, 3);
    for (let id = 1; id <= 5; id++) cache.set(device(id), 0, cache.ticket);
    assert.equal(cache.size, 3);
    assert.equal(cache.get(1, 0), undefined);
    assert.equal(cache.get(5, 0)?.id, 5);
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new DeviceCache(0);
    cache.set(device(1), 0, cache.ticket);
    assert.equal(cache.size, 0);
  });
});
