import { AbstractLogger, type DataSource, type Logger } from 'typeorm';

const TOKEN_HASH = /\b[0-9a-f]{64}\b/g;
export const REDACTED = '[redacted]';
const REDACTING = Symbol('jwt-devices.redacting-logger');

const HASH_LENGTH = 64;

function redactValue(value: unknown): unknown {
  // Most parameters are ids, dates and short strings: skip the regex for anything that cannot hold a hash.
  return typeof value === 'string' && value.length >= HASH_LENGTH ? value.replace(TOKEN_HASH, REDACTED) : value;
}

// Generic, so the parameters keep the type the installed TypeORM gives them (0.3: any[]; 1: an array or an object).
function redactParameters<P>(parameters: P): P {
  if (Array.isArray(parameters)) return parameters.map(redactValue) as P;
  if (parameters && typeof parameters === 'object') {
    return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, redactValue(value)])) as P;
  }
  return parameters;
}

function redactError(error: string | Error): string | Error {
  if (typeof error === 'string') return error.replace(TOKEN_HASH, REDACTED);
  // Drivers quote the offending value in messages (e.g. a unique violation's key).
  const redacted = new Error(error.message.replace(TOKEN_HASH, REDACTED));
  redacted.name = error.name;
  return redacted;
}

/**
 * Wraps the DataSource's logger so that, with query logging on, the token hashes the module
 * sends as parameters (or that drivers echo in errors) never reach the app's logs.
 */
export function redactTokenHashesInQueryLog(dataSource: DataSource): void {
  const inner = dataSource.logger as Logger & { [REDACTING]?: true };
  if (inner[REDACTING]) return;
  const logsQueries = queryLoggingCheck(inner);
  const redacting: Logger & { [REDACTING]: true } = {
    [REDACTING]: true,
    // Parameters are typed by the installed TypeORM's Logger, which differs between 0.3 and 1.
    logQuery: (query, parameters, runner) => {
      // Every query passes here: copying and scanning its parameters only to drop them would cost each request.
      if (logsQueries()) inner.logQuery(query, redactParameters(parameters), runner);
    },
    logQueryError: (error, query, parameters, runner) => inner.logQueryError(redactError(error), query, redactParameters(parameters), runner),
    logQuerySlow: (time, query, parameters, runner) => inner.logQuerySlow(time, query, redactParameters(parameters), runner),
    logSchemaBuild: (message, runner) => inner.logSchemaBuild(message, runner),
    logMigration: (message, runner) => inner.logMigration(message, runner),
    log: (level, message, runner) => inner.log(level, message, runner),
  };
  Object.defineProperty(dataSource, 'logger', { value: redacting, configurable: true, writable: true });
}

/**
 * Whether the logger would write a query: TypeORM's own loggers say so (the `logging` option). Any
 * other logger, or one that overrides `logQuery`, is always handed the query, redacted.
 */
function queryLoggingCheck(logger: Logger): () => boolean {
  if (!(logger instanceof AbstractLogger) || logger.logQuery !== AbstractLogger.prototype.logQuery) return () => true;
  const enabled = logger as unknown as { isLogEnabledFor(type: 'query'): boolean };
  return () => enabled.isLogEnabledFor('query');
}
