import type { CleanupStack } from '../cleanup-stack.js';
import type { CpuPinning } from '../cpu-pinning.js';
import { PROFILE_DIR } from '../paths.js';
import { ServerProcess } from '../processes/server-process.js';

export interface LaunchContext {
  pinning: CpuPinning;
  cpuProfile: boolean;
  cleanup: CleanupStack;
}

/** Starts a server under test on the server core and registers its stop; `script` is node's arguments after the flags. */
export async function launch(
  context: LaunchContext,
  name: string,
  script: string[],
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<{ server: ServerProcess; url: string }> {
  const profile = context.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const started = await ServerProcess.start({ name, nodeArgs: [...nodeFlags, ...profile, ...script], env: { PORT: '0', ...env } }, context.pinning);
  context.cleanup.push(`stop ${name}`, () => started.server.stop());
  return started;
}
