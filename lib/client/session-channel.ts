/**
 * What one client tells the others of its origin. Never a token: the tabs of a session share it
 * through their storage, and the message only says that the stored pair changed.
 */
export type SessionMessage =
  | { type: 'session'; deviceId: number; version: number }
  | { type: 'ended'; deviceId: number; reason: SessionEndReason };

/** Why a session ended: the server refused its permanent token, or the app logged out. */
export type SessionEndReason = 'revoked' | 'logout';

/** The part of BroadcastChannel the client uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** A BroadcastChannel where the platform has one, else undefined; in Node it does not keep the process alive. */
export function platformChannel(name: string): ChannelLike | undefined {
  const Channel = (globalThis as unknown as { BroadcastChannel?: new (name: string) => ChannelLike & { unref?: () => void } }).BroadcastChannel;
  if (typeof Channel !== 'function') return undefined;
  const channel = new Channel(name);
  channel.unref?.();
  return channel;
}

/** The message, or undefined when it is not one of ours. */
export function readSessionMessage(data: unknown): SessionMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Partial<Record<string, unknown>>;
  if (message.type === 'ended' && typeof message.deviceId === 'number' && (message.reason === 'revoked' || message.reason === 'logout')) {
    return { type: 'ended', deviceId: message.deviceId, reason: message.reason };
  }
  if (message.type === 'session' && typeof message.deviceId === 'number' && typeof message.version === 'number') {
    return { type: 'session', deviceId: message.deviceId, version: message.version };
  }
  return undefined;
}
