import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

export interface BodyShapeLimits {
  /** Objects and arrays nested deeper than this are refused. */
  maxDepth: number;
  /** Values (objects, arrays and scalars) a body may hold in all. */
  maxValues: number;
}

export const BODY_TOO_DEEP_MESSAGE = 'Request body is nested too deeply.';
export const BODY_TOO_WIDE_MESSAGE = 'Request body has too many values.';

/**
 * Runs before the global ValidationPipe: class-transformer walks a body recursively, so a JSON body
 * nested a few thousand levels deep overflows the stack (a 500), and a wide one costs time in
 * proportion. This refuses both with 400 after one iterative walk, stopping at the first excess.
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  constructor(private readonly limits: BodyShapeLimits = { maxDepth: 32, maxValues: 1_000 }) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') this.check(value);
    return value;
  }

  private check(body: unknown): void {
    const pending: Array<[value: unknown, depth: number]> = [[body, 0]];
    let values = 0;
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [value, depth] = next;
      if (++values > this.limits.maxValues) throw new BadRequestException(BODY_TOO_WIDE_MESSAGE);
      if (typeof value !== 'object' || value === null) continue;
      if (depth >= this.limits.maxDepth) throw new BadRequestException(BODY_TOO_DEEP_MESSAGE);
      for (const child of Object.values(value)) pending.push([child, depth + 1]);
    }
  }
}
