import { mkdirSync, rmSync } from 'node:fs';
import type { LaunchContext } from './apps/launch.js';
import { CleanupStack } from './cleanup-stack.js';
import { BenchOptionsError, parseOptions, type BenchOptions } from './cli-options.js';
import { pinLoadGenerator } from './cpu-pinning.js';
import { runInvalidationBench } from './invalidation/invalidation-bench.js';
import { runMemoryBench } from './memory/memory-bench.js';
import { PROFILE_DIR, WORK_DIR } from './paths.js';
import { ServerProcess } from './processes/server-process.js';
import { runThroughputBench } from './throughput-bench.js';

/** `npm run bench [-- flags]`: see cli-options.ts for the flags. Every server it starts is stopped on the way out. */
async function main(args: readonly string[]): Promise<number> {
  const options = readOptions(args);
  if (!options) return 2;
  const pinning = pinLoadGenerator();
  console.log(pinning.description);
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(options.cpuProfile ? PROFILE_DIR : WORK_DIR, { recursive: true });

  const cleanup = new CleanupStack();
  const context: LaunchContext = { pinning, cpuProfile: options.cpuProfile, cleanup };
  // The servers' parent-watch ends them if this process dies; these stop them sooner, and drop databases.
  process.on('exit', () => ServerProcess.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers`);
      void cleanup.run().finally(() => process.exit(130));
    });
  }
  try {
    if (options.memory) await runMemoryBench(options, context, args);
    else if (options.invalidation) await runInvalidationBench(options, context, args);
    else await runThroughputBench(options, context, args);
    return 0;
  } finally {
    await cleanup.run();
    await ServerProcess.stopAll();
  }
}

function readOptions(args: readonly string[]): BenchOptions | undefined {
  try {
    return parseOptions(args);
  } catch (error: unknown) {
    if (!(error instanceof BenchOptionsError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
