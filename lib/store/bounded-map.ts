/** A Map that holds at most `maxEntries`: setting one more drops the oldest entry first. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxEntries: number) {
    super();
  }

  override set(key: K, value: V): this {
    // Re-setting a key makes it the newest, so it is the last to go.
    this.delete(key);
    if (this.size >= this.maxEntries) {
      // Map keeps insertion order, so the first key is the oldest entry.
      this.delete(this.keys().next().value as K);
    }
    return super.set(key, value);
  }
}
