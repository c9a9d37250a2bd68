import '../processes/parent-watch.js';
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MinimalGuardModule } from './app.module.js';

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(MinimalGuardModule, { logger: ['error', 'warn'], abortOnError: false });
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
