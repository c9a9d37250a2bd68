import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JwtDevicesClock } from '../clock.js';
import { JWT_DEVICES_CLOCK, SESSION_EVENTS_LISTENER } from '../jwt-devices.constants.js';
import type { SessionEvent, SessionEventName, SessionEventPayloads, SessionEventsListener } from './session-events.js';

/** Hands events to the listener after the change is stored: stamped with the module's clock, not awaited, failures logged. */
@Injectable()
export class SessionEventsEmitter {
  private readonly logger = new Logger('JwtDevicesModule');

  constructor(
    @Inject(SESSION_EVENTS_LISTENER) private readonly listener: SessionEventsListener,
    @Inject(JWT_DEVICES_CLOCK) private readonly clock: JwtDevicesClock,
  ) {}

  emit<N extends SessionEventName>(name: N, payload: Omit<SessionEventPayloads[N], 'at'>): void {
    // The name and its payload type match by the signature; TypeScript cannot narrow the union from a generic N.
    const event = { name, payload: { ...payload, at: this.clock.now() } } as unknown as SessionEvent;
    try {
      const result = this.listener.handle(event);
      if (isThenable(result)) Promise.resolve(result).catch((error: unknown) => this.logFailure(name, error));
    } catch (error) {
      this.logFailure(name, error);
    }
  }

  private logFailure(name: SessionEventName, error: unknown): void {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
    this.logger.error(`A listener of ${name} failed (${detail})`, error instanceof Error ? error.stack : undefined);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
