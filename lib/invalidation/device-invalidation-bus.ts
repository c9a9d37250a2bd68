/** What a bus tells the process's device cache. */
export interface DeviceInvalidationListener {
  /** These devices were revoked by some instance (this one included); `'all'` = drop every cached device. */
  revoked(deviceIds: readonly number[] | 'all'): void;
  /**
   * `true` once the bus is connected and subscribed, so every revocation published from now on will arrive;
   * `false` as soon as that is in doubt. Revocations published while it was false may have been missed.
   */
  trustChanged(trusted: boolean): void;
}

/**
 * Carries device revocations between the instances of an app, so each may keep a device cache and
 * still refuse a revoked device as soon as the message arrives. An app may give its own through
 * `invalidation: { bus }`; it must never throw from `publish` and must report every loss of delivery.
 */
export interface DeviceInvalidationBus {
  /** Announces revoked devices to every instance; resolves (never rejects) once sent, or once it gave up waiting. */
  publish(deviceIds: readonly number[]): Promise<void>;
  /** The one listener: the module's device cache. */
  subscribe(listener: DeviceInvalidationListener): void;
  /** Whether every revocation published now would reach this instance. */
  readonly trusted: boolean;
}
