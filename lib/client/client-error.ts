/** A login, refresh or logout the server refused, or could not be reached for. */
export class JwtDevicesClientError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or undefined when no answer came. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JwtDevicesClientError';
  }
}

/** The `message` of a Nest error body (`{ statusCode, message, error }`), or a generic one. */
export async function errorMessageOf(response: { status: number; text(): Promise<string> }): Promise<string> {
  try {
    const body: unknown = JSON.parse(await response.text());
    const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
    if (typeof message === 'string') return message;
    if (Array.isArray(message) && message.every((item) => typeof item === 'string')) return message.join('; ');
  } catch {
    // not JSON: fall through
  }
  return `the server answered ${response.status}`;
}
