import type { AddressInfo } from 'node:net';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Runs a baseline app as a server under test: Express on 127.0.0.1:$PORT (0 = any), then the one
 * line the bench waits for. A failure to boot ends the process with code 1.
 */
export function serveApp(module: Type | DynamicModule): void {
  void (async () => {
    const app = await NestFactory.create<NestExpressApplication>(module, { logger: ['error', 'warn'], abortOnError: false });
    await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    console.log(`listening on http://127.0.0.1:${port}`);
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}
