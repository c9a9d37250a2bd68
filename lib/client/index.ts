export { readAccessTokenTimes, isAccessTokenStale, type AccessTokenTimes } from './access-token-expiry.js';
export { JwtDevicesClientError } from './client-error.js';
export {
  JwtDevicesClient,
  type FetchLike,
  type JwtDevicesClientOptions,
  type SessionEndedEvent,
  type SessionInfo,
} from './jwt-devices-client.js';
export { pageLocks, type LockManagerLike } from './refresh-lock.js';
export type { ChannelLike, SessionEndReason } from './session-channel.js';
export { memoryStorage, webStorage, type TokenStorage, type WebStorageLike } from './token-storage.js';
