import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { LISTENER_APPLICATION_NAME, PostgresInvalidationBus } from '../../lib/invalidation/postgres-invalidation-bus.js';
import { itDeliversToEveryBusOfItsChannel, RecordedBus } from '../fixtures/recorded-bus.js';
import { testDatabases, useFreshDatabase } from '../support/databases.js';
import { waitUntil } from '../support/wait-until.js';

const postgres = testDatabases().find(({ name }) => name === 'postgres');

describe('PostgresInvalidationBus against a real PostgreSQL', { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  const db = useFreshDatabase(postgres!);
  const dataSources: DataSource[] = [];
  const buses: Array<RecordedBus<PostgresInvalidationBus>> = [];

  /** One DataSource per instance, as separate processes have. */
  async function open(channel?: string): Promise<RecordedBus<PostgresInvalidationBus>> {
    const dataSource = new DataSource({ ...db().options, entities: [] } as ConstructorParameters<typeof DataSource>[0]);
    await dataSource.initialize();
    dataSources.push(dataSource);
    const recorded = new RecordedBus(new PostgresInvalidationBus(dataSource, channel));
    buses.push(recorded);
    return recorded;
  }

  before(async () => {
    await db();
  });
  after(async () => {
    await Promise.all(buses.map(({ bus }) => bus.onModuleDestroy()));
    await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
  });

  itDeliversToEveryBusOfItsChannel(open, 'another_app_revoked');

  it('splits a large revocation into payloads PostgreSQL accepts', async () => {
    const [a, b] = buses;
    b.revoked.length = 0;
    const ids = Array.from({ length: 2500 }, (_, index) => 2_000_000_000 + index);
    await a.bus.publish(ids);
    await waitUntil(() => b.revoked.length === ids.length, 'every id arrived');
    assert.deepEqual(b.revoked.sort((x, y) => x - y), ids);
  });

  it('a listener connection killed by the server: untrusted, then listening again by itself', async () => {
    const [a, b] = buses;
    const killed = await dataSources[0].query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [LISTENER_APPLICATION_NAME],
    );
    assert.equal(killed.length, 3, 'one listener per bus');
    await waitUntil(() => !a.bus.trusted && !b.bus.trusted, 'both buses noticed');
    await Promise.all([a.trusted(), b.trusted()]);
    assert.deepEqual(a.trust.slice(-2), [false, true]);
    b.revoked.length = 0;
    await a.bus.publish([11]);
    await waitUntil(() => b.revoked.length === 1, 'the listener hears again');
    assert.deepEqual(b.revoked, [11]);
  });
});
