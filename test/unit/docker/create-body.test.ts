import { describe, expect, it } from 'vitest';
import { ContainerSpec } from '../../../common/spec/container-spec';
import { ResourcesUpdate } from '../../../common/spec/resources';
import { validate } from '../../../common/spec/validate';
import { toCreateBody, toUpdateBody } from '../../../activities/docker/create-body';
import { specHash } from '../../../activities/docker/spec-hash';
import { parseEnvFile } from '../../../activities/docker/env-files';

const IMAGE_ID = 'sha256:' + '1'.repeat(64);
const hostConfig = (input: object) => toCreateBody(validate(ContainerSpec, input, 'spec'), 'web', {}, {}).HostConfig;

describe('spec → create body: resources', () => {
  it('turns human units into engine units', () => {
    expect(
      hostConfig({
        image: 'app:v1',
        resources: {
          memory: '512m',
          memoryReservation: '256m',
          memorySwap: '1g',
          memorySwappiness: 0,
          oomKillDisable: false,
          cpus: '1.5',
          cpuShares: 512,
          cpusetCpus: '0-1',
          cpusetMems: '0',
          pidsLimit: 64,
          blkioWeight: 300,
          deviceReadBps: [{ path: '/dev/sda', rate: '1mb' }],
          deviceWriteBps: [{ path: '/dev/sda', rate: '512k' }],
          deviceReadIops: [{ path: '/dev/sda', iops: 100 }],
          deviceWriteIops: [{ path: '/dev/sdb', iops: 50 }],
        },
      }),
    ).toEqual({
      NetworkMode: 'bridge',
      Memory: 536870912,
      MemoryReservation: 268435456,
      MemorySwap: 1073741824,
      MemorySwappiness: 0,
      OomKillDisable: false,
      NanoCpus: 1_500_000_000,
      CpuShares: 512,
      CpusetCpus: '0-1',
      CpusetMems: '0',
      PidsLimit: 64,
      BlkioWeight: 300,
      BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1048576 }],
      BlkioDeviceWriteBps: [{ Path: '/dev/sda', Rate: 524288 }],
      BlkioDeviceReadIOps: [{ Path: '/dev/sda', Rate: 100 }],
      BlkioDeviceWriteIOps: [{ Path: '/dev/sdb', Rate: 50 }],
    });
  });
  it('reads unlimited swap and CFS period/quota', () => {
    expect(
      hostConfig({
        image: 'a',
        resources: { memory: '64m', memorySwap: 'unlimited', cpuPeriod: 100000, cpuQuota: 50000 },
      }),
    ).toEqual({
      NetworkMode: 'bridge',
      Memory: 67108864,
      MemorySwap: -1,
      CpuPeriod: 100000,
      CpuQuota: 50000,
    });
    expect(hostConfig({ image: 'a', resources: { memory: '64m', memorySwap: -1 } })).toMatchObject({ MemorySwap: -1 });
  });
  it('refuses combinations the engine would refuse, naming the field', () => {
    const bad = (resources: object) => () => validate(ContainerSpec, { image: 'a', resources }, 'spec');
    expect(bad({ memory: '64m', memorySwap: '32m' })).toThrow('spec.resources.memorySwap: must be at least memory');
    expect(bad({ memorySwap: '1g' })).toThrow('spec.resources.memorySwap: needs memory');
    expect(bad({ memory: '64m', memoryReservation: '128m' })).toThrow(
      'spec.resources.memoryReservation: must not exceed memory',
    );
    expect(bad({ cpus: 1, cpuQuota: 50000 })).toThrow('spec.resources.cpus: set either cpus or cpuPeriod/cpuQuota');
    expect(bad({ memory: '1m' })).toThrow('spec.resources.memory: must be at least 6m');
    expect(bad({ cpusetCpus: 'all' })).toThrow('spec.resources.cpusetCpus: not a cpuset list');
    expect(bad({ blkioWeight: 5 })).toThrow('spec.resources.blkioWeight');
    expect(bad({ deviceReadBps: [{ path: 'sda', rate: '1m' }] })).toThrow(
      'spec.resources.deviceReadBps.0.path: must be a device path',
    );
    expect(bad({ memory: 'lots' })).toThrow('spec.resources.memory: "lots" is not a size');
  });
});

describe('spec → create body: security, logging, mounts', () => {
  it('maps hardening options', () => {
    expect(
      hostConfig({
        image: 'a',
        security: {
          readOnlyRootfs: true,
          tmpfs: { '/tmp': 'size=16m', '/run': '' },
          capDrop: ['ALL'],
          capAdd: ['NET_BIND_SERVICE'],
          noNewPrivileges: true,
          securityOpt: ['label=disable'],
          privileged: false,
          devices: [
            { hostPath: '/dev/null', containerPath: '/dev/mynull', permissions: 'rw' },
            { hostPath: '/dev/zero' },
          ],
        },
      }),
    ).toEqual({
      NetworkMode: 'bridge',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'size=16m', '/run': '' },
      CapDrop: ['ALL'],
      CapAdd: ['NET_BIND_SERVICE'],
      SecurityOpt: ['label=disable', 'no-new-privileges'],
      Privileged: false,
      Devices: [
        { PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rw' },
        { PathOnHost: '/dev/zero', PathInContainer: '/dev/zero', CgroupPermissions: 'rwm' },
      ],
    });
  });
  it('maps log drivers with rotation in engine spelling', () => {
    expect(hostConfig({ image: 'a', logging: { driver: 'json-file', maxSize: '10m', maxFile: 3 } })?.LogConfig).toEqual(
      { Type: 'json-file', Config: { 'max-size': '10485760', 'max-file': '3' } },
    );
    expect(hostConfig({ image: 'a', logging: { driver: 'none' } })?.LogConfig).toEqual({ Type: 'none', Config: {} });
    expect(
      hostConfig({
        image: 'a',
        logging: { driver: 'syslog', options: { 'syslog-address': 'udp://127.0.0.1:514', tag: 'web' } },
      })?.LogConfig,
    ).toEqual({
      Type: 'syslog',
      Config: { 'syslog-address': 'udp://127.0.0.1:514', tag: 'web' },
    });
    expect(() => validate(ContainerSpec, { image: 'a', logging: { driver: 'syslog', maxSize: '1m' } }, 'spec')).toThrow(
      'spec.logging.maxSize: only applies to the json-file and local drivers',
    );
    expect(() => validate(ContainerSpec, { image: 'a', logging: { driver: 'gelf' } }, 'spec')).toThrow(
      'spec.logging.driver',
    );
  });
  it('maps volumes, bind mounts and tmpfs mounts', () => {
    expect(
      hostConfig({
        image: 'a',
        mounts: [
          { type: 'volume', source: 'data', target: '/data' },
          { type: 'bind', source: '/etc/hosts', target: '/etc/h', readOnly: true },
          { type: 'tmpfs', target: '/cache', sizeBytes: 1024 },
        ],
      })?.Mounts,
    ).toEqual([
      { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: undefined },
      { Type: 'bind', Source: '/etc/hosts', Target: '/etc/h', ReadOnly: true },
      { Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 1024 } },
    ]);
  });
  it('parses its own output to the same value', () => {
    const input = {
      image: 'a',
      resources: { memory: '64m', memorySwap: 'unlimited', cpus: '0.5' },
      logging: { driver: 'json-file', maxSize: '1m' },
      security: { devices: [{ hostPath: '/dev/null' }] },
    };
    const once = validate(ContainerSpec, input, 'spec');
    expect(validate(ContainerSpec, once, 'spec')).toEqual(once);
  });
});

describe('spec hash and the new fields', () => {
  const hash = (input: object) =>
    specHash(toCreateBody(validate(ContainerSpec, input, 'spec'), 'web', {}, {}), IMAGE_ID);
  it('changes with each limit the engine enforces', () => {
    const base = hash({ image: 'a' });
    const variants = [
      { resources: { memory: '64m' } },
      { resources: { memory: '65m' } },
      { resources: { cpus: 1 } },
      { resources: { pidsLimit: 10 } },
      { security: { readOnlyRootfs: true } },
      { security: { capDrop: ['ALL'] } },
      { logging: { driver: 'none' } },
      { mounts: [{ type: 'tmpfs', target: '/x' }] },
    ].map((v) => hash({ image: 'a', ...v }));
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
  it('is the same for equal values written in different units', () => {
    expect(hash({ image: 'a', resources: { memory: '1g' } })).toBe(
      hash({ image: 'a', resources: { memory: 1073741824 } }),
    );
    expect(hash({ image: 'a', resources: { cpus: '0.5' } })).toBe(hash({ image: 'a', resources: { cpus: 0.5 } }));
  });
});

describe('update body', () => {
  it('carries only what changes', () => {
    expect(
      toUpdateBody(
        ResourcesUpdate.parse({
          memory: '128m',
          memorySwap: '256m',
          cpus: '0.5',
          restart: { policy: 'on-failure', maxRetries: 2 },
        }),
      ),
    ).toEqual({
      Memory: 134217728,
      MemorySwap: 268435456,
      NanoCpus: 500_000_000,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
    });
    expect(toUpdateBody(ResourcesUpdate.parse({ blkioWeight: 200 }))).toEqual({ BlkioWeight: 200 });
  });
});

describe('env files', () => {
  it('reads docker --env-file syntax', () => {
    expect(
      parseEnvFile('# comment\n\nA=1\n  B=two words\nC="quoted"\nEMPTY=\nFROM_AGENT\nMISSING\n', 'f', {
        FROM_AGENT: 'x',
      }),
    ).toEqual({
      A: '1',
      B: 'two words',
      C: '"quoted"',
      EMPTY: '',
      FROM_AGENT: 'x',
    });
  });
  it('names the file and line of a bad name', () => {
    expect(() => parseEnvFile('A=1\n1BAD=2', 'spec.envFiles.0 (/x)')).toThrow(
      'spec.envFiles.0 (/x) line 2: "1BAD" is not an environment variable name',
    );
  });
});
