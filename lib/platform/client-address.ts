/**
 * The client's address as Express or Fastify computed it (`request.ip`), so the app's trust-proxy
 * setting decides whether X-Forwarded-For counts; undefined when the request has none.
 */
export function clientAddress(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const { ip } = request as { ip?: unknown };
  return typeof ip === 'string' && ip !== '' ? ip : undefined;
}
