import { describe, expect, it } from 'vitest';
import {
  hostRegistryKey,
  hostRegistryName,
  knownHosts,
  parseHostRecords,
  type HostRecord,
} from '../../../common/hosts/host-registry';
import { scanHosts } from '../../../workflows/lib/scan-hosts';
import { scanRequest } from '../../../cli/commands/scan';
import { formatHosts } from '../../../cli/commands/hosts';

const record = (hostId: string, lastSeen: string, heartbeatMs = 5000): HostRecord => ({
  hostId,
  lastSeen,
  startedAt: '2026-01-01T00:00:00.000Z',
  heartbeatMs,
});
const now = Date.parse('2026-01-01T00:01:00.000Z');

describe('host registry and the hosts a scan covers', () => {
  it('a host is up until it misses three heartbeats of its own pace; sorted by id', () => {
    const hosts = knownHosts(
      [
        record('b', '2026-01-01T00:00:46.000Z'),
        record('a', '2026-01-01T00:00:45.000Z'),
        record('fast', '2026-01-01T00:00:58.400Z', 500),
      ],
      now,
    );
    expect(hosts.map((h) => [h.hostId, h.status, h.silentForMs])).toEqual([
      ['a', 'down', 15_000],
      ['b', 'up', 14_000],
      ['fast', 'down', 1_600],
    ]);
  });

  it('skips registry fields that are not host records', () => {
    const good = record('a', '2026-01-01T00:00:00.000Z');
    expect(
      parseHostRecords({
        a: JSON.stringify(good),
        b: 'not json',
        c: JSON.stringify({ ...good, hostId: 'a' }),
        d: JSON.stringify({ hostId: 'd', lastSeen: 'never' }),
      }),
    ).toEqual([good]);
  });

  it('names the registry from DOCKHAND_HOST_REGISTRY and refuses a bad name', () => {
    expect(hostRegistryKey(hostRegistryName({}))).toBe('dockhand:hosts:default');
    expect(hostRegistryKey(hostRegistryName({ DOCKHAND_HOST_REGISTRY: 'ci-1' }))).toBe('dockhand:hosts:ci-1');
    expect(() => hostRegistryName({ DOCKHAND_HOST_REGISTRY: 'a b' })).toThrow(/DOCKHAND_HOST_REGISTRY="a b"/);
  });

  it('scans the hosts asked for, or every known host with the silent ones marked down', () => {
    const known = knownHosts(
      [record('a', '2026-01-01T00:00:59.000Z'), record('gone', '2026-01-01T00:00:00.000Z')],
      now,
    );
    expect(scanHosts(['x', 'y'], undefined)).toEqual([{ host: 'x' }, { host: 'y' }]);
    expect(scanHosts([], known)).toEqual([
      { host: 'a' },
      { host: 'gone', down: 'host agent down: no heartbeat since 2026-01-01T00:00:00.000Z (60 s before this scan)' },
    ]);
    expect(scanHosts([], [])).toEqual([]);
  });

  it('the CLI asks for no hosts unless --host or DOCKHAND_HOSTS names them', () => {
    expect(scanRequest({}, {}).hosts).toEqual([]);
    expect(scanRequest({}, { DOCKHAND_HOSTS: 'a, b' }).hosts).toEqual(['a', 'b']);
    expect(scanRequest({ host: ['c'] }, { DOCKHAND_HOSTS: 'a' }).hosts).toEqual(['c']);
  });

  it('lists hosts with status and last seen', () => {
    expect(formatHosts(knownHosts([record('web-1', '2026-01-01T00:00:58.000Z')], now))).toEqual([
      'HOST   STATUS  LAST SEEN                  AGO      AGENT STARTED',
      'web-1  up      2026-01-01T00:00:58.000Z  2s       2026-01-01T00:00:00.000Z',
    ]);
  });
});
