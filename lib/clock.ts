import { Injectable } from '@nestjs/common';

/** The module reads time only through this, so tests and apps can move it. */
export interface JwtDevicesClock {
  now(): Date;
}

@Injectable()
export class SystemClock implements JwtDevicesClock {
  now(): Date {
    return new Date();
  }
}
