import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChannelLike, LockManagerLike, TokenStorage } from '../../lib/client/index.js';

/** The Web Locks API of one origin, in memory: exclusive locks by name, granted in request order. */
export class FakeLocks implements LockManagerLike {
  private readonly tails = new Map<string, Promise<void>>();
  granted = 0;

  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(async () => {
      this.granted += 1;
      return callback();
    });
    this.tails.set(name, result.then(() => undefined, () => undefined));
    return result;
  }
}

/** BroadcastChannel in memory: a message reaches every other open channel of its name, a turn later, as a structured clone. */
export class FakeChannels {
  private readonly open = new Set<{ name: string; listeners: Array<(event: { data: unknown }) => void> }>();

  readonly connect = (name: string): ChannelLike => {
    const self = { name, listeners: [] as Array<(event: { data: unknown }) => void> };
    this.open.add(self);
    return {
      postMessage: (message) => {
        const receivers = [...this.open].filter((other) => other !== self && other.name === name);
        void nextTurn().then(() => {
          for (const receiver of receivers) for (const listener of receiver.listeners) listener({ data: structuredClone(message) });
        });
      },
      addEventListener: (_type, listener) => void self.listeners.push(listener),
      close: () => void this.open.delete(self),
    };
  };
}

/** A storage that is async, like AsyncStorage or a secure store, and counts its writes. */
export function asyncStorage(): TokenStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (key) => {
      await nextTurn();
      return values.get(key) ?? null;
    },
    set: async (key, value) => {
      await nextTurn();
      values.set(key, value);
    },
    remove: async (key) => {
      await nextTurn();
      values.delete(key);
    },
  };
}
