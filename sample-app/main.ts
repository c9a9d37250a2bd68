import { Logger } from '@nestjs/common';
import { JwtDevicesConfigError } from '../lib/index.js';
import { createSampleApp } from './bootstrap.js';
import { SampleAppConfigError } from './config/env.schema.js';
import { StderrLogger } from './stderr-logger.js';

async function main(): Promise<void> {
  Logger.overrideLogger(new StderrLogger());
  // SIGTERM and SIGINT close the app gracefully: enableShutdownHooks() in createSampleApp.
  const { app, env } = await createSampleApp();
  await app.listen(env.PORT, '127.0.0.1');
  const address: unknown = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null && 'port' in address ? address.port : env.PORT;
  console.log(`listening on http://127.0.0.1:${String(port)}`);
}

main().catch((error: unknown) => {
  // A configuration error is the user's to fix: its message is enough, a stack trace is noise.
  const isConfigError = error instanceof SampleAppConfigError || error instanceof JwtDevicesConfigError;
  const message = isConfigError || !(error instanceof Error) ? String(error) : error.stack;
  new Logger('SampleApp').error(message);
  process.exitCode = 1;
  // A failed boot leaves open what had started (TypeORM's MariaDB pool never lets go): end once stderr is out, as Nest's abortOnError would.
  process.stderr.write('', () => process.exit());
});
