const CANONICAL_ID = /^[1-9][0-9]{0,15}$/;

/** A device id as clients send it (header, route parameter, `device_id` claim): a canonical positive decimal integer in the safe-integer range, or null. */
export function parseDeviceId(value: unknown): number | null {
  if (typeof value !== 'string' || !CANONICAL_ID.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}
