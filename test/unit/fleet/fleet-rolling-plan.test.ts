import { describe, expect, it } from 'vitest';
import { FleetRollingInput, hostLossOf, hostRolloutId, hostRolloutRequest } from '../../../common/fleet-rolling';
import {
  approvalAfterWave,
  fleetRollingApprovalDetails,
  hostAfterRollback,
  hostWaves,
} from '../../../common/fleet-rolling-plan';
import { RollingUpdateInput } from '../../../common/rolling-update';

describe('fleet rolling plan', () => {
  it('waves of at most maxHostsAtOnce hosts, in the order given (a number or a percentage)', () => {
    expect(hostWaves(['a', 'b', 'c'], 1)).toEqual([['a'], ['b'], ['c']]);
    expect(hostWaves(['a', 'b', 'c'], 2)).toEqual([['a', 'b'], ['c']]);
    expect(hostWaves(['a', 'b', 'c', 'd'], '50%')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(hostWaves(['a', 'b', 'c'], '100%')).toEqual([['a', 'b', 'c']]);
  });

  it('one approval after the first wave, only when asked', () => {
    expect(approvalAfterWave(true)).toBe(1);
    expect(approvalAfterWave(false)).toBeUndefined();
  });

  it("the host-loss policy: the blue-green fleet's (default rollback, 60 s); hostLossTimeout, the older field, is its timeout", () => {
    const base = { service: 'web', hosts: ['h1', 'h2', 'h3'], spec: { image: 'app:v2' } };
    expect(hostLossOf(FleetRollingInput.parse(base))).toEqual({ timeout: 60_000, policy: 'rollback' });
    const go = FleetRollingInput.parse({ ...base, hostLoss: { timeout: '20s', policy: 'continue', minHosts: 2 } });
    expect(hostLossOf(go)).toEqual({ timeout: 20_000, policy: 'continue', minHosts: 2 });
    expect(hostRolloutRequest(go, 'h1').agentPickupMs).toBe(20_000);
    expect(hostLossOf(FleetRollingInput.parse({ ...base, hostLossTimeout: '30s' })).timeout).toBe(30_000);
    const r = FleetRollingInput.safeParse({ ...base, hostLoss: { policy: 'continue' } });
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['hostLoss.minHosts', 'policy "continue" needs minHosts (how many hosts must finish the change)'],
    ]);
  });

  it('how a host ended after the fleet rolled back', () => {
    expect(hostAfterRollback(undefined)).toEqual({ step: 'rolled back', details: 'not started: nothing changed' });
    expect(hostAfterRollback({ outcome: 'rolled-back' })).toEqual({
      step: 'rolled back',
      details: 'every changed replica put back',
    });
    expect(hostAfterRollback({ outcome: 'rolled-back', left: ['web-2: gone'] })).toEqual({
      step: 'NOT as before',
      details: 'web-2: gone',
    });
  });

  it("each host's rollout: the fleet's fields dropped, held for the commit, its agent bounded, valid", () => {
    const fleet = FleetRollingInput.parse({
      service: 'web',
      hosts: ['h1', 'h2'],
      spec: { image: 'app:v2' },
      parallelism: 2,
      maxHostsAtOnce: '50%',
      hostLossTimeout: '30s',
    });
    const one = hostRolloutRequest(fleet, 'h2');
    expect(one).toMatchObject({ service: 'web', host: 'h2', parallelism: 2, fleetHold: true, agentPickupMs: 30_000 });
    expect(one).not.toHaveProperty('hosts');
    expect(one).not.toHaveProperty('maxHostsAtOnce');
    expect(RollingUpdateInput.safeParse(one).success).toBe(true);
    expect(hostRolloutId('web', 'h2')).toBe('deploy/web/h2');
  });

  it('refuses a canary gate per host (the fleet asks once) and unknown fields, naming them', () => {
    const r = FleetRollingInput.safeParse({
      service: 'web',
      hosts: ['h1', 'h1'],
      spec: { image: 'app:v2' },
      pauseAfter: { batches: 1 },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.') || i.message)).toEqual(
      expect.arrayContaining(['hosts', expect.stringContaining('pauseAfter')]),
    );
  });

  it('the approval text says which hosts hold and which are still to roll', () => {
    const text = fleetRollingApprovalDetails({
      service: 'web',
      image: 'app:v2',
      workflowId: 'deploy/web',
      rolled: ['h1'],
      toGo: ['h2', 'h3'],
      timeoutAt: '2030-01-01T00:00:00.000Z',
      approvers: ['alice'],
    });
    expect(text).toContain('waits for ONE approval for the fleet. Only alice may answer.');
    expect(text).toContain('Rolled and holding (replaced replicas kept): h1. Still to roll: h2, h3.');
    expect(text).toContain('Approve: the rest (h2, h3) roll, then every host commits.');
    expect(text).toContain('Without an answer by 2030-01-01T00:00:00.000Z the rollout is rejected.');
  });
});
