import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `condition` holds, for something that happens on its own (a reconnect, a message);
 * a deadline only so a broken build fails instead of hanging: tests assert what happens, never how fast.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await sleep(20);
  }
}
