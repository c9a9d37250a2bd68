import { BadRequestException } from '@nestjs/common';
import { validate } from 'class-validator';

export const BODY_NOT_OBJECT_MESSAGE = 'Request body must be a JSON object.';

/**
 * Copies the named fields of a body into a DTO and validates it with class-validator.
 * `fields` maps DTO properties to body fields, so a renamed field keeps its own name in messages.
 */
export async function validateBody<T extends object>(dtoClass: new () => T, body: unknown, fields: Record<string, string>): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestException(BODY_NOT_OBJECT_MESSAGE);
  const dto = new dtoClass() as Record<string, unknown>;
  for (const [property, field] of Object.entries(fields)) {
    dto[property] = Object.prototype.hasOwnProperty.call(body, field) ? (body as Record<string, unknown>)[field] : undefined;
  }
  const errors = await validate(dto, { forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) {
    const messages = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) => message.replace(error.property, fields[error.property] ?? error.property)),
    );
    throw new BadRequestException(messages);
  }
  return dto as T;
}
