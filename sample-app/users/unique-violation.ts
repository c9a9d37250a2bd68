import { QueryFailedError } from 'typeorm';

// Unique-constraint error codes of SQLite, PostgreSQL and MySQL/MariaDB.
const UNIQUE_VIOLATION_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', '23505', 'ER_DUP_ENTRY']);

/** True when a failed query broke a unique constraint, on any of the supported databases. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code: unknown = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}
