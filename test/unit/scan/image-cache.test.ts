import { describe, expect, it } from 'vitest';
import { ImageCache } from '../../../activities/scan/image-cache';

describe('ImageCache (per-image reads shared between container scans)', () => {
  it('reads once per image, also when scans ask at the same time', async () => {
    const cache = new ImageCache<string>(4);
    let reads = 0;
    const read = async () => `files-${++reads}`;
    expect(await Promise.all([cache.get('sha256:a', read), cache.get('sha256:a', read), cache.get('sha256:b', read)])).toEqual(['files-1', 'files-1', 'files-2']);
    expect(reads).toBe(2);
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const cache = new ImageCache<string>(4);
    await expect(cache.get('sha256:a', () => Promise.reject(new Error('container went away')))).rejects.toThrow('container went away');
    expect(await cache.get('sha256:a', async () => 'files')).toBe('files');
  });

  it('drops the oldest image beyond its capacity', async () => {
    const cache = new ImageCache<string>(2);
    for (const id of ['a', 'b', 'c']) await cache.get(id, async () => id);
    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => 'read again')).toBe('read again');
    expect(() => new ImageCache(0)).toThrow(/capacity/);
  });
});
