/** An error's message, or its class name when empty (a refused connection is an AggregateError with no message). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}
