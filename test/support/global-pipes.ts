import type { ValidationPipeOptions } from '@nestjs/common';

/** The app-wide ValidationPipe set-ups the NestJS docs show; the module must behave the same under each (CONTRACT §6). */
export const GLOBAL_PIPE_SETUPS: ReadonlyArray<{ name: string; options: ValidationPipeOptions | undefined }> = [
  { name: 'no global pipe', options: undefined },
  { name: 'ValidationPipe({})', options: {} },
  { name: 'ValidationPipe({ whitelist })', options: { whitelist: true } },
  { name: 'ValidationPipe({ transform })', options: { transform: true } },
  { name: 'ValidationPipe({ whitelist, forbidNonWhitelisted })', options: { whitelist: true, forbidNonWhitelisted: true } },
  { name: 'ValidationPipe({ forbidUnknownValues })', options: { forbidUnknownValues: true } },
  { name: 'ValidationPipe(all of them)', options: strictestPipe() },
];

/** Every option above together, and custom decorators validated too: the harshest set-up an app can have. */
export function strictestPipe(): ValidationPipeOptions {
  return { whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true, validateCustomDecorators: true };
}
