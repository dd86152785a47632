/**
 * Per-image results a host agent keeps between container scans. An image id is the hash of its
 * content, so what was read from an image never goes stale; only memory bounds the cache (oldest
 * entries are dropped first). Values are promises so concurrent scans of containers of one image
 * share a single read instead of racing to make the same one.
 */
export class ImageCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`ImageCache capacity must be a positive integer, got ${capacity}`);
  }

  /** The cached value for `imageId` (or a key made of an image id and more), or the one `read` produces. A read that fails is not cached
   * (the next caller reads again); its error goes to the callers that were waiting for it. */
  get(imageId: string, read: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(imageId);
    if (hit) return hit;
    const value = read();
    this.entries.set(imageId, value);
    value.catch(() => {
      if (this.entries.get(imageId) === value) this.entries.delete(imageId);
    });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
