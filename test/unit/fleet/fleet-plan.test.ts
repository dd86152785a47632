import { describe, expect, it } from 'vitest';
import { FleetBlueGreenInput, hostDeployInput } from '../../../common/fleet-blue-green';
import { DEFAULT_HOST_LOSS, HostLossPolicy } from '../../../common/fleet';
import {
  afterHostFailures,
  bootBatches,
  bootLimitOf,
  fleetApprovalDetails,
  hostLines,
} from '../../../common/fleet-plan';

describe('boot limit: hosts at once, a number or a percentage (Kamal boot.limit)', () => {
  it('numbers cap at the host count, percentages round up, never below one', () => {
    expect(bootLimitOf('100%', 3)).toBe(3);
    expect(bootLimitOf('50%', 3)).toBe(2);
    expect(bootLimitOf('1%', 3)).toBe(1);
    expect(bootLimitOf(5, 3)).toBe(3);
    expect(bootLimitOf(1, 3)).toBe(1);
  });
  it('batches in the order given', () => {
    expect(bootBatches(['a', 'b', 'c'], '100%')).toEqual([['a', 'b', 'c']]);
    expect(bootBatches(['a', 'b', 'c'], 2)).toEqual([['a', 'b'], ['c']]);
    expect(bootBatches(['a', 'b', 'c', 'd', 'e'], '40%')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});

describe('afterHostFailures: all or none unless the service allows fewer', () => {
  const hosts = ['h1', 'h2', 'h3'];
  const lost = { host: 'h3', cause: 'activity ScheduleToStart timeout', lost: true };
  const broken = { host: 'h2', cause: 'fleet-green never became healthy', lost: false };
  const cont = HostLossPolicy.parse({ policy: 'continue', minHosts: 2 });

  it('a host that answered with a failure rolls the fleet back, whatever the policy', () => {
    expect(afterHostFailures(hosts, [broken], cont)).toEqual({
      action: 'rollback',
      reason: 'host h2: fleet-green never became healthy',
    });
  });
  it('a lost host rolls back under the default policy', () => {
    expect(afterHostFailures(hosts, [lost], DEFAULT_HOST_LOSS)).toEqual({
      action: 'rollback',
      reason: 'host h3 stopped answering: activity ScheduleToStart timeout (host-loss policy: rollback)',
    });
  });
  it('continue leaves lost hosts behind while minHosts remain, else rolls back', () => {
    expect(afterHostFailures(hosts, [lost], cont)).toEqual({
      action: 'continue',
      without: ['h3'],
      reason: 'host h3 stopped answering: activity ScheduleToStart timeout; continuing on 2 hosts (minHosts 2)',
    });
    expect(afterHostFailures(hosts, [lost, { ...lost, host: 'h2' }], cont).action).toBe('rollback');
  });
  it('the host-loss policy is checked where it is declared', () => {
    expect(HostLossPolicy.safeParse({ policy: 'continue' }).error?.issues[0]?.path).toEqual(['minHosts']);
    expect(HostLossPolicy.safeParse({ timeout: '2h' }).success).toBe(false);
    expect(HostLossPolicy.parse({ timeout: '20s' })).toEqual({ timeout: 20_000, policy: 'rollback' });
  });
});

describe('what the Web UI shows of a fleet', () => {
  it('one line per host', () => {
    expect(
      hostLines([
        { host: 'h1', step: 'switch', details: 'web-edge serves web-green' },
        { host: 'h2', step: 'waiting', details: '' },
      ]),
    ).toBe('- `h1` **switch** — web-edge serves web-green\n- `h2` **waiting**');
  });
  it('the one approval lists what changes on every host', () => {
    const text = fleetApprovalDetails({
      service: 'web',
      workflowId: 'deploy/web',
      changes: [
        { host: 'h1', from: { name: 'web-blue', image: 'app:v1' }, to: { name: 'web-green', image: 'app:v2' } },
        { host: 'h2', to: { name: 'web-blue', image: 'app:v2' } },
      ],
      timeoutAt: '2026-12-02T12:00:00.000Z',
      approvers: [],
    });
    expect(text.split('\n\n').slice(0, 2)).toEqual([
      'deploy of web to 2 hosts waits for ONE approval for all of them.',
      '- `h1`: web-blue (app:v1) → web-green (app:v2), healthy, not yet serving\n- `h2`: nothing (first deploy) → web-blue (app:v2), healthy, not yet serving',
    ]);
  });
});

describe('FleetBlueGreenInput', () => {
  it("each host runs the single-host deploy's input with its host id", () => {
    const input = FleetBlueGreenInput.parse({ service: 'web', hosts: ['h1', 'h2'], spec: { image: 'app:v2' } });
    expect(input.bootLimit).toBe('100%');
    expect(input.hostLoss).toEqual(DEFAULT_HOST_LOSS);
    const one = hostDeployInput(input, 'h2');
    expect(one.host).toBe('h2');
    expect(one.spec.network).toBe('web-net');
    expect(one.edge.name).toBe('web-edge');
    expect(Object.keys(one)).not.toContain('hosts');
  });
  it('refuses duplicate hosts and a bad boot limit, naming the field', () => {
    const r = FleetBlueGreenInput.safeParse({
      service: 'web',
      hosts: ['h1', 'h1'],
      spec: { image: 'a:1' },
      bootLimit: '0%',
    });
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['bootLimit', 'hosts']);
  });
});
