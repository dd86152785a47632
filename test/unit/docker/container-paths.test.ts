import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { firstEntryOf, parsePathStat } from '../../../activities/docker/container-paths';

/** A tar stream of `entries`, as the Engine's archive endpoint sends one. */
function archive(
  entries: { name: string; type?: 'file' | 'symlink' | 'directory'; body?: string; linkname?: string }[],
) {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'file')
      pack.entry({ name: e.name, mode: 0o100640, size: Buffer.byteLength(e.body ?? '') }, e.body ?? '');
    else pack.entry({ name: e.name, type, linkname: e.linkname, mode: 0o755 });
  }
  pack.finalize();
  return pack as unknown as Readable;
}

describe('firstEntryOf', () => {
  it('reads the first regular file whole, with its size and permission bits', async () => {
    expect(await firstEntryOf(archive([{ name: 'default.conf', body: 'upstream x {}\n' }]), 1024)).toEqual({
      type: 'file',
      size: 14,
      mode: 0o640,
      content: Buffer.from('upstream x {}\n'),
      truncated: false,
    });
  });

  it('keeps the start of a file longer than maxBytes and says it was cut', async () => {
    const e = await firstEntryOf(archive([{ name: 'big', body: 'a'.repeat(100) + 'b'.repeat(100) }]), 150);
    expect([e!.content.toString(), e!.size, e!.truncated]).toEqual(['a'.repeat(100) + 'b'.repeat(50), 200, true]);
  });

  it('names the type of a first entry that is no file, and ignores the entries after it', async () => {
    const e = await firstEntryOf(
      archive([
        { name: 'link', type: 'symlink', linkname: '/elsewhere' },
        { name: 'other', body: 'not this' },
      ]),
      1024,
    );
    expect([e!.type, e!.content.length]).toEqual(['symlink', 0]);
  });

  it('an empty archive has no entry', async () => {
    expect(await firstEntryOf(archive([]), 1024)).toBeUndefined();
  });
});

describe('parsePathStat', () => {
  const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64');

  it('decodes the base64 JSON the Engine sends', () => {
    const stat = { name: 'm', size: 0, mode: 420, mtime: '2026-12-03T07:35:06.939558532Z', linkTarget: '' };
    expect(parsePathStat(header(stat))).toEqual(stat);
  });

  it('keeps a symlink target', () => {
    expect(parsePathStat(header({ name: 'l', size: 5, mode: 134218239, linkTarget: '/nope' })).linkTarget).toBe(
      '/nope',
    );
  });

  it('refuses a missing header or one without size and mode, naming what is wrong', () => {
    expect(() => parsePathStat(undefined)).toThrow('without an X-Docker-Container-Path-Stat header');
    expect(() => parsePathStat(header({ name: 'x' }))).toThrow('no size or mode');
  });
});
