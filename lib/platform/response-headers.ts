interface HeaderWritable {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string | string[]) => unknown;
  getHeader?: (name: string) => unknown;
}

/** Sets a response header on Express (`res.setHeader`) or Fastify (`reply.header`). */
export function setResponseHeaders(response: unknown, headers: Record<string, string>): void {
  const target = response as HeaderWritable;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof target.header === 'function') target.header(name, value);
    else target.setHeader?.(name, value);
  }
}

/** Adds a value to a response header (`Set-Cookie`) after those the app already set, on Express or Fastify. */
export function appendResponseHeader(response: unknown, name: string, value: string): void {
  const target = response as HeaderWritable;
  if (typeof target.setHeader === 'function' && typeof target.getHeader === 'function') {
    // Node's response (Express): setHeader replaces, so the earlier values are carried over.
    const earlier = target.getHeader(name);
    target.setHeader(name, [...(earlier === undefined ? [] : [earlier].flat().map(String)), value]);
  } else {
    // Fastify's reply: `header('Set-Cookie', …)` already adds to the earlier cookies.
    target.header?.(name, value);
  }
}
