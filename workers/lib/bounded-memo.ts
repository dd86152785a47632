/**
 * Remembers the answers of slow, immutable look-ups (a completed run's result) by key, keeping the
 * `capacity` most recently used; a look-up that fails is not remembered, so the next call tries again.
 * Concurrent calls for one key share one look-up.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity: ${capacity} is not a positive integer`);
  }

  get size(): number {
    return this.entries.size;
  }

  remember<T extends V>(key: string, load: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, known);
      return known as Promise<T>;
    }
    const loading = load();
    this.entries.set(key, loading);
    loading.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}
