/**
 * Where the client keeps its session, as text under one key. Sync or async, so `localStorage`,
 * React Native's AsyncStorage or expo-secure-store (through a three-line adapter) all fit.
 */
export interface TokenStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** The part of the Web Storage API the client uses. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Keeps the session in this page or process only: a reload logs out. The default. */
export function memoryStorage(): TokenStorage {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  };
}

/** Keeps the session in `localStorage` (or another Web Storage), shared by the tabs of one origin and kept over reloads. */
export function webStorage(storage: WebStorageLike = defaultLocalStorage()): TokenStorage {
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}

function defaultLocalStorage(): WebStorageLike {
  const storage = (globalThis as { localStorage?: WebStorageLike }).localStorage;
  if (storage === undefined) throw new TypeError('webStorage(): there is no localStorage here; pass a storage or use memoryStorage()');
  return storage;
}
