import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { answerFastifyFrameworkError } from '../../lib/index.js';
import type { HttpAdapterName } from '../config/env.schema.js';

/** Larger request bodies get 413. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** Creates the Nest application on Express or Fastify, with the same body limit and path matching on both. */
export function createNestApp(
  module: object,
  adapter: HttpAdapterName,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  return adapter === 'fastify' ? createFastifyApp(module, options) : createExpressApp(module, options);
}

async function createExpressApp(module: object, options: NestApplicationOptions): Promise<INestApplication> {
  // Express 5 already ignores one trailing slash (its router is not strict).
  const app = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(), {
    ...options,
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
  // Login accepts form-encoded bodies, as drf-jwt-devices did.
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: false });
  return app;
}

async function createFastifyApp(module: object, options: NestApplicationOptions): Promise<INestApplication> {
  // Nest's adapter parses JSON and form-encoded bodies itself, under the same bodyLimit.
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    // A malformed URL never reaches Nest; answer it in Nest's shape, without echoing it.
    frameworkErrors: answerFastifyFrameworkError,
  });
  return NestFactory.create<NestFastifyApplication>(module, adapter, options);
}

/** Initializes the app without listening; Fastify must also be ready() before its server answers. */
export async function initNestApp(app: INestApplication, adapter: HttpAdapterName): Promise<void> {
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
}
