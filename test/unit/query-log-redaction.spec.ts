import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { AbstractLogger, type DataSource, type LogLevel, type LogMessage, type Logger, type LoggerOptions } from 'typeorm';
import { REDACTED, redactTokenHashesInQueryLog } from '../../lib/store/query-log-redaction.js';

const HASH = 'ab'.repeat(32);
const QUERY = 'SELECT 1 FROM "jwt_devices_device" WHERE "permanent_token_hash" = ?';

/** A TypeORM logger built the way TypeORM's own are: AbstractLogger decides from `logging` what to write. */
class RecordingLogger extends AbstractLogger {
  readonly written: LogMessage[] = [];

  constructor(logging: LoggerOptions) {
    super(logging);
  }

  protected writeLog(_level: LogLevel, message: LogMessage | LogMessage[]): void {
    this.written.push(...(Array.isArray(message) ? message : [message]));
  }
}

/** Overrides logQuery, so it decides for itself whether to write. */
class OwnQueryLogger extends RecordingLogger {
  readonly queries: unknown[][] = [];

  override logQuery(query: string, parameters?: unknown[]): void {
    this.queries.push([query, parameters]);
  }
}

function wrapped(logger: Logger): Logger {
  const dataSource = { logger } as unknown as DataSource;
  redactTokenHashesInQueryLog(dataSource);
  assert.notEqual(dataSource.logger, logger, 'the logger was wrapped');
  return dataSource.logger;
}

describe('query-log redaction', () => {
  it("with TypeORM's query logging on, the logger writes the query with the hash redacted", () => {
    const logger = new RecordingLogger(['query']);
    wrapped(logger).logQuery(QUERY, [HASH, 7]);
    assert.equal(logger.written.length, 1);
    assert.equal(logger.written[0].message, QUERY);
    assert.deepEqual(logger.written[0].parameters, [REDACTED, 7]);
  });

  it('with query logging off, nothing is written (and the parameters are not copied to be dropped)', () => {
    const logger = new RecordingLogger(['error']);
    let copied = false;
    const parameters = [HASH];
    parameters.map = ((...args: Parameters<typeof Array.prototype.map>) => {
      copied = true;
      return Array.prototype.map.apply([HASH], args);
    }) as typeof parameters.map;
    wrapped(logger).logQuery(QUERY, parameters);
    assert.deepEqual(logger.written, []);
    assert.equal(copied, false, 'the parameters were redacted only to be dropped');
  });

  it('a logger that overrides logQuery is always handed the query, redacted, whatever its options say', () => {
    const logger = new OwnQueryLogger(false);
    wrapped(logger).logQuery(QUERY, [HASH]);
    assert.deepEqual(logger.queries, [[QUERY, [REDACTED]]]);
  });

  it("query errors are written when query logging is off, with the hash redacted in the driver's message and nothing else of the error kept", () => {
    const logger = new RecordingLogger(['error']);
    // As drivers word a unique violation: MariaDB quotes the key in the message, PostgreSQL in `detail`.
    const driverError = Object.assign(new Error(`Duplicate entry '${HASH}' for key 'PRIMARY'`), {
      name: 'QueryFailedError',
      detail: `Key (token_hash)=(${HASH}) already exists.`,
      parameters: [HASH],
    });
    wrapped(logger).logQueryError(driverError, QUERY, [HASH]);

    const [failedQuery, error] = logger.written;
    assert.equal(logger.written.length, 2);
    assert.equal(failedQuery.message, QUERY);
    assert.deepEqual(failedQuery.parameters, [REDACTED]);
    const written: unknown = error.message;
    assert.ok(written instanceof Error, 'the error is written as an Error');
    assert.equal(written.name, 'QueryFailedError');
    assert.equal(written.message, "Duplicate entry '[redacted]' for key 'PRIMARY'");
    assert.doesNotMatch(inspect(logger.written, { depth: null, showHidden: true }), new RegExp(HASH));
  });

  it('a query error given as a string is written with the hash redacted', () => {
    const logger = new RecordingLogger(['error']);
    wrapped(logger).logQueryError(`duplicate key ${HASH}`, QUERY, [HASH]);
    assert.deepEqual(
      logger.written.map(({ message }) => message),
      [QUERY, `duplicate key ${REDACTED}`],
    );
  });
});
