import { describe, expect, it } from 'vitest';
import { sameFilesKey } from '../../../activities/scan/collect';
import { ImageCache } from '../../../activities/scan/image-cache';

describe('ImageCache (per-image reads shared between container scans)', () => {
  it('reads once per image, also when scans ask at the same time', async () => {
    const cache = new ImageCache<string>(4);
    let reads = 0;
    const read = async () => `files-${++reads}`;
    expect(
      await Promise.all([cache.get('sha256:a', read), cache.get('sha256:a', read), cache.get('sha256:b', read)]),
    ).toEqual(['files-1', 'files-1', 'files-2']);
    expect(reads).toBe(2);
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const cache = new ImageCache<string>(4);
    await expect(cache.get('sha256:a', () => Promise.reject(new Error('container went away')))).rejects.toThrow(
      'container went away',
    );
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

describe('sameFilesKey (which containers share one filesystem read)', () => {
  const inspect = (
    over: {
      Init?: boolean;
      Tmpfs?: Record<string, string>;
      Mounts?: Array<{ Type: string; Destination: string }>;
    } = {},
  ) =>
    ({
      Image: 'sha256:img',
      Mounts: over.Mounts ?? [],
      HostConfig: { Init: over.Init ?? false, Tmpfs: over.Tmpfs },
    }) as unknown as Parameters<typeof sameFilesKey>[0];

  it('unchanged containers of one image share a key', () => {
    expect(sameFilesKey(inspect(), [])).toBe('sha256:img');
  });

  it('what the daemon makes (--init, volume and tmpfs mount points, their parents) is part of the key, not a reason to read alone', () => {
    const init = [
      { path: '/sbin', kind: 'added' as const },
      { path: '/sbin/docker-init', kind: 'added' as const },
    ];
    expect(sameFilesKey(inspect({ Init: true }), init)).toBe('sha256:img\nadded /sbin\nadded /sbin/docker-init');
    expect(sameFilesKey(inspect({ Tmpfs: { '/run/x': '' } }), [{ path: '/run/x', kind: 'added' }])).toBe(
      'sha256:img\nadded /run/x',
    );
    expect(
      sameFilesKey(inspect({ Mounts: [{ Type: 'volume', Destination: '/var/lib/data' }] }), [
        { path: '/var/lib/data', kind: 'added' },
        { path: '/var/lib', kind: 'modified' },
      ]),
    ).toBe('sha256:img\nadded /var/lib/data\nmodified /var/lib');
  });

  it('a written file, a deletion, a bind mount point or docker-init without --init: no key (exported alone)', () => {
    expect(sameFilesKey(inspect({ Init: true }), [{ path: '/etc/motd', kind: 'added' }])).toBeUndefined();
    expect(sameFilesKey(inspect({ Init: true }), [{ path: '/sbin', kind: 'deleted' }])).toBeUndefined();
    expect(
      sameFilesKey(inspect({ Mounts: [{ Type: 'bind', Destination: '/run/secret' }] }), [
        { path: '/run/secret', kind: 'added' },
      ]),
    ).toBeUndefined();
    expect(sameFilesKey(inspect(), [{ path: '/sbin/docker-init', kind: 'added' }])).toBeUndefined();
  });
});
