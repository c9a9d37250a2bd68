import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChannelLike, LockManagerLike, TokenStorage } from '../../lib/client/index.js';

/** The Web Locks API of one origin, in memory: exclusive locks by name, granted in request order, and `query()` of the held ones. */
export class FakeLocks implements LockManagerLike {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly held: string[] = [];

  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(async () => {
      this.held.push(name);
      try {
        return await callback();
      } finally {
        this.held.splice(this.held.indexOf(name), 1);
      }
    });
    this.tails.set(name, result.then(() => undefined, () => undefined));
    return result;
  }

  async query(): Promise<{ held: Array<{ name: string }> }> {
    return { held: this.held.map((name) => ({ name })) };
  }
}

/**
 * One storage seen by several tabs, each through a copy that gets the others' writes `lagTurns`
 * turns late, as Chromium's localStorage does between tabs.
 */
export function laggingStorages(tabs: number, lagTurns: number): TokenStorage[] {
  const copies = Array.from({ length: tabs }, () => new Map<string, string>());
  const apply = (copy: Map<string, string>, key: string, value: string | undefined) => (value === undefined ? copy.delete(key) : copy.set(key, value));
  const change = (writer: Map<string, string>, key: string, value: string | undefined) => {
    apply(writer, key, value);
    for (const copy of copies.filter((other) => other !== writer)) {
      void (async () => {
        for (let turn = 0; turn < lagTurns; turn++) await nextTurn();
        apply(copy, key, value);
      })();
    }
  };
  return copies.map((copy) => ({
    get: (key) => copy.get(key) ?? null,
    set: (key, value) => change(copy, key, value),
    remove: (key) => change(copy, key, undefined),
  }));
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
