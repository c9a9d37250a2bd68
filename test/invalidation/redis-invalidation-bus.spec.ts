import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { DeviceInvalidationListener } from '../../lib/index.js';
import { RedisInvalidationBus } from '../../lib/invalidation/redis-invalidation-bus.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { PrivateRedisServer } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

/** A bus with a listener that records what it was told. */
class RecordedBus {
  readonly revoked: number[] = [];
  droppedAll = 0;
  readonly trust: boolean[] = [];
  readonly bus: RedisInvalidationBus;

  constructor(url: string, channel?: string) {
    this.bus = new RedisInvalidationBus(Redis, { url, channel });
    const listener: DeviceInvalidationListener = {
      revoked: (ids) => (ids === 'all' ? this.droppedAll++ : this.revoked.push(...ids)),
      trustChanged: (trusted) => this.trust.push(trusted),
    };
    this.bus.subscribe(listener);
  }

  trusted(): Promise<void> {
    return waitUntil(() => this.bus.trusted, 'the bus is subscribed');
  }
}

describe('RedisInvalidationBus against a real redis-server', () => {
  let redis: PrivateRedisServer;
  const buses: RecordedBus[] = [];
  const open = (channel?: string) => {
    const recorded = new RecordedBus(redis.url, channel);
    buses.push(recorded);
    return recorded;
  };

  before(async () => {
    redis = await PrivateRedisServer.start();
  });
  after(async () => {
    await Promise.all(buses.map(({ bus }) => bus.onModuleDestroy()));
    await redis.kill();
  });

  it('delivers published ids to every subscribed bus, the publishing one included, and to no other channel', async () => {
    const a = open();
    const b = open();
    const elsewhere = open('another-app:revoked');
    await Promise.all([a.trusted(), b.trusted(), elsewhere.trusted()]);
    assert.deepEqual(a.trust, [true]);

    await a.bus.publish([7, 8]);
    await b.bus.publish([9]);
    await waitUntil(() => a.revoked.length === 3 && b.revoked.length === 3, 'both buses heard all three ids');
    assert.deepEqual(a.revoked.sort(), [7, 8, 9]);
    assert.deepEqual(b.revoked.sort(), [7, 8, 9]);
    assert.deepEqual(elsewhere.revoked, []);
  });

  it('is untrusted while Redis is down, and trusted again once it is back and resubscribed', async () => {
    const [a, b] = buses;
    await redis.kill();
    await waitUntil(() => !a.bus.trusted && !b.bus.trusted, 'both buses noticed the outage');
    assert.equal(a.trust.at(-1), false);
    assert.equal(b.trust.at(-1), false);
    // Resolves although nothing can carry it: a revocation never fails because the bus is down.
    await a.bus.publish([41, 42]);
    assert.equal(a.bus.trusted, false);

    await redis.restart();
    await Promise.all([a.trusted(), b.trusted()]);
    assert.deepEqual(a.trust.slice(-2), [false, true]);
    assert.deepEqual(b.trust.slice(-2), [false, true]);
  });

  it('an instance cut off from Redis keeps what it could not publish and delivers it once it reaches Redis again', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', redis.port);
    try {
      const cutOff = new RecordedBus(`redis://127.0.0.1:${proxy.port}`);
      buses.push(cutOff);
      const other = open();
      await Promise.all([cutOff.trusted(), other.trusted()]);

      proxy.cut();
      await waitUntil(() => !cutOff.bus.trusted, 'the cut-off bus noticed');
      await cutOff.bus.publish([51, 52]);
      assert.ok(other.bus.trusted, 'the other instance never lost Redis');
      assert.deepEqual(other.revoked, []);

      proxy.restore();
      await waitUntil(() => other.revoked.length === 2, 'the kept ids reached the other instance');
      assert.deepEqual(other.revoked.sort(), [51, 52]);
      assert.deepEqual(other.trust, [true]);
    } finally {
      await proxy.close();
    }
  });

  it('a bus started while Redis is down stays untrusted until it first subscribes', async () => {
    await redis.kill();
    const late = open();
    await late.bus.publish([5]);
    assert.equal(late.bus.trusted, false);
    assert.deepEqual(late.trust, []);
    await redis.restart();
    await late.trusted();
    assert.deepEqual(late.trust, [true]);
  });

  it('a Redis that stops answering (a silent partition) fails the heartbeat: untrusted, then trusted again once it answers', async () => {
    const a = buses[0];
    await a.trusted();
    redis.pause();
    try {
      await waitUntil(() => !a.bus.trusted, 'the heartbeat noticed');
    } finally {
      redis.resume();
    }
    await a.trusted();
    assert.deepEqual(a.trust.slice(-2), [false, true]);
  });
});
