interface HeaderWritable {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/** Sets a response header on Express (`res.setHeader`) or Fastify (`reply.header`). */
export function setResponseHeaders(response: unknown, headers: Record<string, string>): void {
  const target = response as HeaderWritable;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof target.header === 'function') target.header(name, value);
    else target.setHeader?.(name, value);
  }
}
