import 'reflect-metadata';
import { Logger, ValidationPipe, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { loadConfig, type Env, type SampleAppConfig } from './config.js';
import { BodyShapePipe } from './http/body-shape.pipe.js';
import { createNestApp, initNestApp } from './http/nest-app-factory.js';
import { serveOpenApiDocument } from './openapi.js';

export interface SampleApp {
  app: INestApplication;
  config: SampleAppConfig;
}

/** Nest options passed through, e.g. `{ logger: false }` in tests and the benchmark. */
export type SampleAppOptions = Pick<NestApplicationOptions, 'logger' | 'abortOnError'>;

/**
 * Builds and initializes the sample app from `env` without listening, so tests and the benchmark
 * can boot it in-process; `main.ts` listens. Throws SampleAppConfigError for a bad environment.
 */
export async function createSampleApp(env: Env = process.env, options: SampleAppOptions = {}): Promise<SampleApp> {
  const config = loadConfig(env);
  if (config.usesDevelopmentSecret) warnAboutDevelopmentSecret();
  // abortOnError: false, so a boot failure (database down, bad option) is thrown to the caller, not process.abort().
  const app = await createNestApp(AppModule.forRoot(config), config.httpAdapter, { abortOnError: false, ...options });
  // The set-up the NestJS docs recommend; BodyShapePipe first, so ValidationPipe only sees bodies it can walk.
  app.useGlobalPipes(new BodyShapePipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  serveOpenApiDocument(app);
  await initNestApp(app, config.httpAdapter);
  return { app, config };
}

function warnAboutDevelopmentSecret(): void {
  const logger = new Logger('SampleApp');
  logger.warn('*'.repeat(72));
  logger.warn('JWT_SECRET is not set: signing tokens with the PUBLIC development secret.');
  logger.warn('Anyone can forge tokens for this app. Set JWT_SECRET (32+ random bytes) before real use.');
  logger.warn('*'.repeat(72));
}
