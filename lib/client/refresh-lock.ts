/** The part of the Web Locks API (`navigator.locks`) the client uses: an exclusive lock by name, and the names of the locks held. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  query?(): Promise<{ held?: ReadonlyArray<{ name?: string }> }>;
}

/** `navigator.locks` where the platform has it (browsers, not React Native or Node), else undefined. */
export function platformLocks(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return typeof locks?.request === 'function' ? locks : undefined;
}

/** Tails of the lock queues of this page or process, by lock name. */
const pageQueues = new Map<string, Promise<unknown>>();

/**
 * An exclusive lock within this page or process only: the fallback where there is no Web Locks
 * API. Every client of the page shares it, so they still refresh one at a time.
 */
export const pageLocks: LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const previous = pageQueues.get(name) ?? Promise.resolve();
    const result = previous.then(callback, callback);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    pageQueues.set(name, tail);
    void tail.then(() => {
      if (pageQueues.get(name) === tail) pageQueues.delete(name);
    });
    return result;
  },
};
