export const DEFAULT_INVALIDATION_CHANNEL = 'jwt-devices:revoked';

/** The message that tells every instance to drop its whole cache. */
const DROP_ALL = '*';

/** Revoked ids as messages of at most `idsPerMessage` comma-separated ids each; `'all'` as one DROP_ALL. */
export function encodeRevocations(ids: readonly number[] | 'all', idsPerMessage: number): string[] {
  if (ids === 'all') return [DROP_ALL];
  const messages: string[] = [];
  for (let start = 0; start < ids.length; start += idsPerMessage) messages.push(ids.slice(start, start + idsPerMessage).join(','));
  return messages;
}

/** What a message asks; anything but ids in it is ignored. */
export function decodeRevocations(message: string): number[] | 'all' {
  if (message === DROP_ALL) return 'all';
  return message.split(',').map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
}
