/** A device's session as the client stores it. */
export interface StoredSession {
  /** The access token (`token` in the module's answers). */
  access: string;
  /** The permanent token; replaced by each rotating refresh. */
  permanent: string;
  deviceId: number;
  /** Grows by one with every write of the pair. */
  version: number;
}

export function serializeSession(session: StoredSession): string {
  return JSON.stringify(session);
}

/** The stored session, or null when the text is missing or not one (written by something else). */
export function parseSession(text: string | null | undefined): StoredSession | null {
  if (typeof text !== 'string') return null;
  try {
    return toSession(JSON.parse(text));
  } catch {
    return null;
  }
}

/** `value` as a session, or null when it is not one. */
export function toSession(value: unknown): StoredSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const { access, permanent, deviceId, version } = value as Record<string, unknown>;
  if (typeof access !== 'string' || typeof permanent !== 'string' || typeof deviceId !== 'number' || typeof version !== 'number') return null;
  return { access, permanent, deviceId, version };
}
