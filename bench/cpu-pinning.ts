import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Servers under test run on this core, the load generator (this process) on the other. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

export interface CpuPinning {
  /** False when taskset is missing or there is one core: then nothing is pinned, and the report says so. */
  enabled: boolean;
  description: string;
}

/** Pins this process (every thread, so autocannon and libuv alike) to the load core when taskset can. */
export function pinLoadGenerator(): CpuPinning {
  if (availableParallelism() < 2) return { enabled: false, description: 'not pinned: fewer than 2 cores' };
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) return { enabled: false, description: 'not pinned: taskset not found' };
  execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  return { enabled: true, description: `servers on core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), load generator on core ${LOAD_CORE}` };
}

/** The command that starts `node args` on the server core, or plain node when pinning is off. */
export function serverCommand(pinning: CpuPinning, nodeArgs: string[]): { command: string; args: string[] } {
  return pinning.enabled
    ? { command: 'taskset', args: ['-c', String(SERVER_CORE), process.execPath, ...nodeArgs] }
    : { command: process.execPath, args: nodeArgs };
}
