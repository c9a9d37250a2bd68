export interface MemoryReport {
  type: 'memory';
  usage: NodeJS.MemoryUsage;
  collected: boolean;
}

/** Answers `{ type: 'memory' }` over IPC with memoryUsage() taken after a full GC (when run with --expose-gc). */
export function answerMemoryProbes(): void {
  if (!process.send) return;
  process.on('message', (message: { type?: unknown }) => {
    if (message?.type !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    // Twice: the first pass can leave objects that only its finalizers freed.
    gc?.();
    gc?.();
    const report: MemoryReport = { type: 'memory', usage: process.memoryUsage(), collected: gc !== undefined };
    process.send!(report);
  });
}
