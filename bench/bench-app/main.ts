import '../processes/parent-watch.js';
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BenchAppModule } from './bench-app.module.js';
import { answerMemoryProbes } from './memory-probe.js';

/** The bench app as a process: configured by BENCH_SQLITE_PATH, JWT_SECRET, PORT, DEVICE_CACHE_TTL and REDIS_URL. */
async function main(): Promise<void> {
  const sqlitePath = required('BENCH_SQLITE_PATH');
  const app = await NestFactory.create<NestExpressApplication>(
    BenchAppModule.forRoot({
      sqlitePath,
      secret: required('JWT_SECRET'),
      deviceCacheTtlSeconds: Number(process.env.DEVICE_CACHE_TTL ?? 0),
      redisUrl: process.env.REDIS_URL || undefined,
    }),
    { logger: ['error', 'warn'], abortOnError: false },
  );
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  answerMemoryProbes();
  const { port } = app.getHttpServer().address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
