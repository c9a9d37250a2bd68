import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { forEachDatabase, useFreshDatabase, type DatabaseName, type TestDataSourceOptions } from '../support/databases.js';

@Entity({ name: 'harness_note' })
class HarnessNote {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  text: string;
}

// A 4-byte emoji and musical sign (utf8mb3 rejects or mangles them), accents precomposed and combining, Greek, CJK.
const UNICODE_TEXT = 'Grüße 😀 naïve café – Ωμέγα 日本語 𝄞 e\u0301';

function openWithNotes(options: TestDataSourceOptions): Promise<DataSource> {
  return new DataSource({ ...options, entities: [HarnessNote], synchronize: true }).initialize();
}

/** Opens without creating anything: a SQLite file must already exist, as a server database must. */
async function openExisting(options: TestDataSourceOptions): Promise<void> {
  const source = new DataSource(options.type === 'better-sqlite3' ? { ...options, fileMustExist: true } : options);
  await source.initialize();
  await source.destroy();
}

/** What the database says about its own set-up, in one comparable object per driver. */
async function describeSetup(source: DataSource, options: TestDataSourceOptions): Promise<Record<string, unknown>> {
  switch (options.type) {
    case 'better-sqlite3': {
      const [{ journal_mode }] = (await source.query('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
      return { journal_mode, inTmpdir: options.database.startsWith(tmpdir()) };
    }
    case 'postgres': {
      const [{ server_encoding }] = (await source.query('SHOW server_encoding')) as Array<{ server_encoding: string }>;
      return { server_encoding };
    }
    default: {
      const [row] = (await source.query('SELECT @@character_set_database AS db_charset, @@collation_database AS db_collation, @@collation_connection AS connection_collation')) as Array<Record<string, string>>;
      return { ...row, timezone: options.timezone };
    }
  }
}

const EXPECTED_SETUP: Record<DatabaseName, Record<string, unknown>> = {
  sqlite: { journal_mode: 'wal', inTmpdir: true },
  postgres: { server_encoding: 'UTF8' },
  mariadb: { db_charset: 'utf8mb4', db_collation: 'utf8mb4_unicode_ci', connection_collation: 'utf8mb4_unicode_ci', timezone: 'Z' },
};

forEachDatabase((database) => {
  it('creates the database with the settings the matrix promises', async () => {
    const created = await database.create();
    const source = await new DataSource(created.options).initialize();
    try {
      assert.deepEqual(await describeSetup(source, created.options), EXPECTED_SETUP[database.name]);
    } finally {
      await source.destroy();
      await created.drop();
    }
  });

  it('stores and reads back a 4-byte emoji and non-ASCII text unchanged', async () => {
    const created = await database.create();
    try {
      const writer = await openWithNotes(created.options);
      const { id } = await writer.getRepository(HarnessNote).save({ text: UNICODE_TEXT });
      await writer.destroy();
      // A second connection sees what the database kept, not what the first one sent.
      const reader = await openWithNotes(created.options);
      try {
        const row = await reader.getRepository(HarnessNote).findOneByOrFail({ id });
        assert.equal(row.text, UNICODE_TEXT);
        assert.equal(await reader.getRepository(HarnessNote).countBy({ text: UNICODE_TEXT }), 1, 'the emoji must match in a WHERE too');
        // A utf8mb3 MySQL connection round-trips emoji as CESU-8 (6 bytes): only the stored size tells.
        const stored = await reader
          .getRepository(HarnessNote)
          .createQueryBuilder('note')
          .select('octet_length(note.text)', 'bytes')
          .where('note.id = :id', { id })
          .getRawOne<{ bytes: number | string }>();
        assert.equal(Number(stored?.bytes), Buffer.byteLength(UNICODE_TEXT, 'utf8'), 'the text must be stored as real UTF-8');
      } finally {
        await reader.destroy();
      }
    } finally {
      await created.drop();
    }
  });

  it('two created databases are isolated, and drop deletes one', async () => {
    const first = await database.create();
    const second = await database.create();
    try {
      assert.notEqual(first.options.database, second.options.database);
      const firstSource = await openWithNotes(first.options);
      await firstSource.getRepository(HarnessNote).save({ text: 'only in the first' });
      await firstSource.destroy();

      const secondSource = await new DataSource(second.options).initialize();
      try {
        assert.equal(await secondSource.createQueryRunner().hasTable('harness_note'), false);
      } finally {
        await secondSource.destroy();
      }

      await first.drop();
      await first.drop();
      await assert.rejects(openExisting(first.options), `the dropped ${database.name} database still opens`);
    } finally {
      await first.drop();
      await second.drop();
    }
  });

  it('drop succeeds while a connection is still open', async () => {
    const created = await database.create();
    const source = await openWithNotes(created.options);
    try {
      await created.drop();
      await assert.rejects(openExisting(created.options), `the dropped ${database.name} database still opens`);
    } finally {
      await source.destroy();
    }
  });

  describe('useFreshDatabase', () => {
    const current = useFreshDatabase(database);
    let source: DataSource | undefined;
    before(async () => {
      source = await openWithNotes(current().options);
    });
    after(async () => {
      await source?.destroy();
    });

    it('gives the suite a fresh, empty database', async () => {
      assert.ok(source, 'the before hook opened no DataSource');
      assert.equal(await source.getRepository(HarnessNote).count(), 0);
      await source.getRepository(HarnessNote).save({ text: UNICODE_TEXT });
      assert.equal(await source.getRepository(HarnessNote).count(), 1);
    });
  });
});
