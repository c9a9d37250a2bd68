/** An error raised by the HTTP framework itself (body parser, router) rather than by a route. */
export interface RequestBodyError {
  statusCode: number;
  /** Fastify's error code (FST_ERR_CTP_INVALID_JSON_BODY) or a zlib one (Z_DATA_ERROR). */
  code?: unknown;
  /** body-parser's error type, e.g. entity.parse.failed. */
  type?: unknown;
}

// The shapes of http-errors (Express' body-parser) and of Fastify's own errors.
export function isRequestBodyError(error: unknown): error is RequestBodyError {
  if (!(error instanceof Error) || !('statusCode' in error) || typeof error.statusCode !== 'number') return false;
  return error.name === 'FastifyError' || ('expose' in error && typeof error.expose === 'boolean');
}

export const INVALID_JSON_MESSAGE = 'The request body could not be parsed as JSON.';
export const BODY_TOO_LARGE_MESSAGE = 'Request body is too large.';
export const UNREADABLE_BODY_MESSAGE = 'Request body could not be decoded.';

const JSON_PARSE_FAILURES = new Set(['entity.parse.failed', 'FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON']);

/**
 * A fixed message for errors whose own text comes from a parser's internals (JSON.parse, zlib);
 * undefined when the framework's message is fine to show.
 */
export function publicMessageOf(error: RequestBodyError): string | undefined {
  if (error.statusCode === 413) return BODY_TOO_LARGE_MESSAGE;
  if (JSON_PARSE_FAILURES.has(String(error.type ?? error.code))) return INVALID_JSON_MESSAGE;
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) return UNREADABLE_BODY_MESSAGE;
  return undefined;
}
