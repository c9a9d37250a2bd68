/**
 * The per-username throttle key of a login body, or undefined when it names no user. Case, accents
 * and outer spaces are folded, since a case-insensitive collation (MySQL's) matches such variants
 * to one account.
 */
export function usernameTracker(body: unknown, usernameField: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[usernameField];
  if (typeof value !== 'string') return undefined;
  const folded = value.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase();
  return folded === '' ? undefined : `username:${folded}`;
}
