import 'reflect-metadata';
import { ValidationPipe, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { parseEnv, type Env, type SampleAppEnv } from './config/env.schema.js';
import { BodyShapePipe } from './http/body-shape.pipe.js';
import { createNestApp, initNestApp } from './http/nest-app-factory.js';
import { serveOpenApiDocument } from './openapi.js';

export interface SampleApp {
  app: INestApplication;
  env: SampleAppEnv;
}

/** Nest options passed through, e.g. `{ logger: false }` in tests and the benchmark. */
export type SampleAppOptions = Pick<NestApplicationOptions, 'logger' | 'abortOnError'>;

/**
 * Builds and initializes the sample app from `env` without listening, so tests and the benchmark
 * can boot it in-process; `main.ts` listens. Throws SampleAppConfigError for a bad environment.
 */
export async function createSampleApp(variables: Env = process.env, options: SampleAppOptions = {}): Promise<SampleApp> {
  // Parsed before the app exists: the HTTP adapter is chosen before Nest starts.
  const env = parseEnv(variables);
  // abortOnError: false, so a boot failure (database down, bad option) is thrown to the caller, not process.abort().
  const app = await createNestApp(AppModule.forRoot(env), env.HTTP_ADAPTER, { abortOnError: false, ...options });
  // The set-up the NestJS docs recommend; BodyShapePipe first, so ValidationPipe only sees bodies it can walk.
  app.useGlobalPipes(new BodyShapePipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  serveOpenApiDocument(app);
  await initNestApp(app, env.HTTP_ADAPTER);
  return { app, env };
}
