import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type * as EventEmitterPackage from '@nestjs/event-emitter';
import { packageRequire } from '#package-require';
import { loadOptionalPackage } from '../platform/optional-package.js';
import type { SessionEvent, SessionEventsListener } from './session-events.js';

const EVENT_EMITTER_PACKAGE = '@nestjs/event-emitter';

interface Emitter {
  emitAsync(event: string, ...values: unknown[]): Promise<unknown[]>;
}

/** The default listener: forwards each event to the app's EventEmitter2 when it has one, else does nothing. */
@Injectable()
export class DefaultSessionEventsListener implements SessionEventsListener {
  private emitter: Emitter | null | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  handle({ name, payload }: SessionEvent): Promise<unknown> | void {
    // emitAsync, so a rejecting listener surfaces as this promise's rejection, which the caller logs.
    return this.resolveEmitter()?.emitAsync(name, payload);
  }

  /** The app's EventEmitter2, looked up once, when the first event comes; null without EventEmitterModule. */
  resolveEmitter(): Emitter | null {
    if (this.emitter === undefined) this.emitter = this.findEmitter();
    return this.emitter;
  }

  private findEmitter(): Emitter | null {
    const events = loadOptionalPackage(
      EVENT_EMITTER_PACKAGE,
      () => packageRequire(EVENT_EMITTER_PACKAGE) as typeof EventEmitterPackage,
    );
    if (!events) return null;
    try {
      return this.moduleRef.get(events.EventEmitter2, { strict: false });
    } catch {
      // The package is installed but the app did not import EventEmitterModule.
      return null;
    }
  }
}
