import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DevicesService } from '../lib/index.js';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from './config/env.schema.js';

/** Deletes expired devices every PURGE_INTERVAL seconds, so the table does not grow without bound. */
@Injectable()
export class ExpiredDevicesPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiredDevicesPurger.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly devices: DevicesService,
    @Inject(ConfigService) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.get('PURGE_INTERVAL', { infer: true });
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.purge(), seconds * 1000);
    // The timer alone must not keep the process alive.
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One purge; failures are logged, never thrown, so a database hiccup cannot crash the app. */
  async purge(): Promise<void> {
    // A purge slower than the interval is not stacked on top of itself.
    if (this.running) return;
    this.running = true;
    try {
      const purged = await this.devices.purgeExpired();
      if (purged > 0) this.logger.log(`Purged ${purged} expired device(s)`);
    } catch (error: unknown) {
      this.logger.error(`Purging expired devices failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
