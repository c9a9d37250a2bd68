import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisInvalidationBus } from '../../lib/invalidation/redis-invalidation-bus.js';
import { decodeRevocations, DEFAULT_INVALIDATION_CHANNEL } from '../../lib/invalidation/revocation-messages.js';
import { itDeliversToEveryBusOfItsChannel, RecordedBus } from '../fixtures/recorded-bus.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { PrivateRedisServer } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

describe('RedisInvalidationBus against a real redis-server', () => {
  let redis: PrivateRedisServer;
  const buses: Array<RecordedBus<RedisInvalidationBus>> = [];
  const open = (url = redis.url, channel?: string) => {
    const recorded = new RecordedBus(new RedisInvalidationBus(Redis, { url, channel }));
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

  itDeliversToEveryBusOfItsChannel(async (channel) => open(redis.url, channel), 'another-app:revoked');

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

  it('publishes while Redis is up but the publishing connection is not (as just after a restart) wait for it: once they resolve, Redis has delivered the ids', async () => {
    const [a] = buses;
    await a.trusted();
    const listener = new Redis(redis.url);
    const admin = new Redis(redis.url);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const heard: number[] = [];
      listener.on('message', (_channel: string, message: string) => heard.push(...(decodeRevocations(message) as number[])));
      await listener.subscribe(DEFAULT_INVALIDATION_CHANNEL);
      // Every connection that is not a subscription goes (the buses' publishers), as when Redis restarts
      // and the subscriptions happen to come back first; the subscriptions stay, so every bus still trusts its cache.
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      // A burst of revocations, more than an emitter's default 10 listeners.
      const ids = Array.from({ length: 20 }, (_, index) => 61 + index);
      await Promise.all(ids.map((id) => a.bus.publish([id])));
      assert.ok(a.bus.trusted);
      // Redis answers this PING on the listener's connection after any message it pushed there before.
      await listener.ping();
      assert.deepEqual(heard.sort((x, y) => x - y), ids);
      assert.deepEqual(warnings, [], 'the sends that waited shared one listener');
    } finally {
      process.off('warning', onWarning);
      listener.disconnect();
      admin.disconnect();
    }
  });

  it('an instance cut off from Redis keeps what it could not publish and delivers it once it reaches Redis again', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', redis.port);
    try {
      const cutOff = open(`redis://127.0.0.1:${proxy.port}`);
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
