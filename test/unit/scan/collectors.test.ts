import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { parseProcNetTcp } from '../../../activities/scan/collect-listeners';
import { parseTop, TOP_PS_ARGS } from '../../../activities/scan/collect-processes';
import { walkFilesystem } from '../../../activities/scan/collect-filesystem';

describe('scan collectors (pure parts)', () => {
  it('parses listening sockets from /proc/net/tcp and tcp6, skipping established ones', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0B00007F:A2F1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
    ].join('\n');
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000000000000:115C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 131380 1 0 100 0 0 10 0',
      '   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 131381 1 0 100 0 0 10 0',
    ].join('\n');
    expect(parseProcNetTcp(tcp, 'tcp')).toEqual([{ proto: 'tcp', address: '127.0.0.11', port: 41713 }]);
    expect(parseProcNetTcp(tcp6, 'tcp6')).toEqual([
      { proto: 'tcp6', address: '::', port: 4444 },
      { proto: 'tcp6', address: '::1', port: 8080 },
    ]);
  });

  it('parses docker top output (args may contain spaces)', () => {
    expect(TOP_PS_ARGS).toBe('-o pid,user,tty,comm,args');
    expect(
      parseTop({
        Titles: ['PID', 'USER', 'TT', 'COMMAND', 'COMMAND'],
        Processes: [['11294', 'root', '?', 'httpd', 'httpd -f -p 8080 -h /www']],
      }),
    ).toEqual([{ pid: 11294, user: 'root', tty: '?', comm: 'httpd', args: 'httpd -f -p 8080 -h /www' }]);
  });

  it('walks an exported filesystem once: special bits, world-writable system paths, candidates, account files, changed modes', async () => {
    const pack = tar.pack();
    const file = (name: string, mode: number, body = '') => pack.entry({ name, mode, type: 'file' }, body);
    pack.entry({ name: 'etc/', mode: 0o755, type: 'directory' });
    pack.entry({ name: 'tmp/', mode: 0o1777, type: 'directory' });
    pack.entry({ name: 'usr/share/drop/', mode: 0o777, type: 'directory' });
    pack.entry({ name: 'bin/sh', mode: 0o777, type: 'symlink', linkname: 'busybox' });
    file('bin/busybox', 0o755, 'ELF');
    file('usr/bin/su', 0o4755, 'ELF');
    file('etc/passwd', 0o644, 'root:x:0:0::/root:/bin/sh\n');
    file('etc/shadow', 0o640, 'root:*:1::::::\n');
    file('etc/app.conf', 0o666, 'x=1\n');
    file('app/server.pem', 0o644, '-----BEGIN CERTIFICATE-----\nMIID\n');
    file('app/big.bin', 0o644, 'x'.repeat(100_000));
    file('tmp/dropper', 0o755, '#!/bin/sh\n');
    pack.finalize();
    const facts = await walkFilesystem(Readable.from(pack), new Set(['tmp/dropper']));
    expect(facts).toEqual({
      setuid: [{ path: 'usr/bin/su', mode: 0o4755, type: 'file' }],
      worldWritable: [
        { path: 'usr/share/drop', mode: 0o777, type: 'directory' },
        { path: 'etc/app.conf', mode: 0o666, type: 'file' },
      ],
      candidates: [{ path: 'app/server.pem', size: 33, head: '-----BEGIN CERTIFICATE-----\nMIID\n' }],
      passwd: 'root:x:0:0::/root:/bin/sh\n',
      shadow: 'root:*:1::::::\n',
      changedModes: [{ path: 'tmp/dropper', mode: 0o755, type: 'file' }],
    });
  });
});
