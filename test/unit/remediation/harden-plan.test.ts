import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { HardenInput, HardenPolicy } from '../../../common/remediation/harden';
import { describeChanges, planHardening } from '../../../common/remediation/harden-plan';
import { ContainerSpec } from '../../../common/spec/container-spec';
import { specFromInspect } from '../../../activities/docker/spec-from-inspect';

const policy = HardenPolicy.parse({});
const MiB = 1024 * 1024;
const unsafe = ContainerSpec.parse({
  image: 'dockhand-fixture-app:v1',
  init: true,
  ports: [{ container: 8080, hostIp: '127.0.0.1' }],
  security: { capAdd: ['NET_ADMIN'], securityOpt: ['seccomp=unconfined', 'label=disable'], privileged: true },
});

describe('planHardening', () => {
  it('without findings, makes every change the spec lacks, old → new', () => {
    const plan = planHardening(unsafe, [8080], undefined, policy);
    expect(plan.changes).toEqual([
      { ruleId: 'CIS-5.4', field: 'security.capDrop', from: [], to: ['ALL'] },
      { ruleId: 'CIS-5.4', field: 'security.capAdd', from: ['NET_ADMIN'], to: [] },
      { ruleId: 'CIS-5.5', field: 'security.privileged', from: true, to: false },
      { ruleId: 'CIS-5.11', field: 'resources.memory', from: 0, to: 256 * MiB },
      { ruleId: 'CIS-5.13', field: 'security.readOnlyRootfs', from: false, to: true },
      {
        ruleId: 'CIS-5.13',
        field: 'security.tmpfs',
        from: {},
        to: { '/tmp': 'size=64m,mode=1777', '/run': 'size=16m' },
      },
      {
        ruleId: 'CIS-5.22',
        field: 'security.securityOpt',
        from: ['seccomp=unconfined', 'label=disable'],
        to: ['label=disable'],
      },
      { ruleId: 'CIS-5.26', field: 'security.noNewPrivileges', from: false, to: true },
      { ruleId: 'CIS-5.29', field: 'resources.pidsLimit', from: 0, to: 256 },
    ]);
    expect(plan.spec).toEqual({
      ...unsafe,
      resources: { memory: 256 * MiB, pidsLimit: 256 },
      security: {
        capDrop: ['ALL'],
        readOnlyRootfs: true,
        tmpfs: { '/tmp': 'size=64m,mode=1777', '/run': 'size=16m' },
        securityOpt: ['label=disable'],
        noNewPrivileges: true,
      },
    });
    // The hardened spec is itself a valid spec, unchanged by validation.
    expect(ContainerSpec.parse(plan.spec)).toEqual(plan.spec);
  });

  it('with findings, changes only what they ask for', () => {
    const plan = planHardening(unsafe, [], ['CIS-5.26', 'CIS-5.11'], policy);
    expect(plan.changes).toEqual([
      { ruleId: 'CIS-5.11', field: 'resources.memory', from: 0, to: 256 * MiB },
      { ruleId: 'CIS-5.26', field: 'security.noNewPrivileges', from: false, to: true },
    ]);
    expect(plan.spec.security).toEqual({ ...unsafe.security, noNewPrivileges: true });
    expect(plan.spec.resources).toEqual({ memory: 256 * MiB });
  });

  it('keeps NET_BIND_SERVICE for a port below 1024 and the capabilities the policy keeps', () => {
    const plan = planHardening(
      ContainerSpec.parse({ image: 'nginx:1', ports: [{ container: 80 }] }),
      [],
      ['CIS-5.4'],
      HardenPolicy.parse({ keepCapabilities: ['CAP_SETUID', 'SETGID'] }),
    );
    expect(plan.changes).toEqual([
      { ruleId: 'CIS-5.4', field: 'security.capDrop', from: [], to: ['ALL'] },
      { ruleId: 'CIS-5.4', field: 'security.capAdd', from: [], to: ['NET_BIND_SERVICE', 'SETGID', 'SETUID'] },
    ]);
  });

  it('keeps existing limits and tmpfs paths, and plans nothing for a hardened spec', () => {
    const limited = ContainerSpec.parse({
      image: 'app:1',
      resources: { memory: '64m', pidsLimit: 50 },
      mounts: [{ type: 'volume', source: 'data', target: '/tmp' }],
    });
    const plan = planHardening(limited, [], ['CIS-5.11', 'CIS-5.29', 'CIS-5.13'], policy);
    expect(plan.changes).toEqual([
      { ruleId: 'CIS-5.13', field: 'security.readOnlyRootfs', from: false, to: true },
      { ruleId: 'CIS-5.13', field: 'security.tmpfs', from: {}, to: { '/run': 'size=16m' } },
    ]);
    const again = planHardening(
      ContainerSpec.parse(planHardening(unsafe, [8080], undefined, policy).spec),
      [8080],
      undefined,
      policy,
    );
    expect(again.changes).toEqual([]);
  });

  it('describes each change on one line', () => {
    expect(describeChanges([{ ruleId: 'CIS-5.4', field: 'security.capDrop', from: [], to: ['ALL'] }])).toEqual([
      'security.capDrop: [] → ["ALL"] (CIS-5.4)',
    ]);
  });

  it('refuses bad input naming the field', () => {
    expect(HardenInput.safeParse({ host: 'h', container: 'bad name' }).error?.issues[0]?.path).toEqual(['container']);
    expect(
      HardenInput.safeParse({ host: 'h', container: 'c', policy: { pidsLimit: 2 } }).error?.issues[0]?.path,
    ).toEqual(['policy', 'pidsLimit']);
  });
});

describe('specFromInspect', () => {
  it('reads the spec a container runs with, without env values or Dockhand labels', () => {
    const info = {
      Id: 'abcdef0123456789',
      Name: '/web-1',
      Image: 'sha256:1',
      Config: {
        Image: 'dockhand-fixture-app:v1',
        Cmd: ['httpd'],
        Entrypoint: null,
        Env: ['SECRET=s3cr3t'],
        WorkingDir: '',
        User: 'nobody',
        Labels: { team: 'web', 'dockhand.managed': 'true' },
        StopTimeout: 5,
        Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9, Retries: 3 },
        ExposedPorts: { '8080/tcp': {} },
      },
      HostConfig: {
        Init: true,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
        NetworkMode: 'web-net',
        PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }] },
        Memory: 64 * MiB,
        NanoCpus: 5e8,
        PidsLimit: 0,
        CapAdd: ['NET_ADMIN'],
        CapDrop: null,
        SecurityOpt: ['no-new-privileges:true', 'label=disable'],
        LogConfig: { Type: 'json-file', Config: {} },
        Mounts: [{ Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: MiB } }],
      },
      NetworkSettings: { Networks: { 'web-net': { Aliases: ['abcdef012345', 'web'] } } },
      Mounts: [
        { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', RW: true },
      ],
    } as unknown as Docker.ContainerInspectInfo;
    expect(specFromInspect(info)).toEqual({
      image: 'dockhand-fixture-app:v1',
      command: ['httpd'],
      user: 'nobody',
      labels: { team: 'web' },
      init: true,
      restart: { policy: 'on-failure', maxRetries: 3 },
      stopTimeout: 5,
      healthcheck: { test: ['CMD', 'true'], interval: 1000, retries: 3 },
      ports: [{ container: 8080, protocol: 'tcp', host: 8081, hostIp: '127.0.0.1' }],
      network: 'web-net',
      networkAliases: ['web'],
      resources: { memory: 64 * MiB, cpus: 0.5 },
      security: { capAdd: ['NET_ADMIN'], noNewPrivileges: true, securityOpt: ['label=disable'] },
      mounts: [
        { type: 'volume', source: 'data', target: '/data' },
        { type: 'tmpfs', target: '/cache', sizeBytes: MiB },
      ],
    });
    expect(() => ContainerSpec.parse(specFromInspect(info))).not.toThrow();
  });
});
