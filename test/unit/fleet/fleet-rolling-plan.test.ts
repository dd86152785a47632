import { describe, expect, it } from 'vitest';
import { FleetRollingInput, hostRolloutId, hostRolloutRequest } from '../../../common/fleet-rolling';
import {
  approvalAfterWave,
  fleetRollingApprovalDetails,
  fleetRollingFailure,
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

  it('the failure names every failed host and whether it stopped answering', () => {
    expect(
      fleetRollingFailure([
        { host: 'h3', cause: 'rolled back web: web-1 unhealthy', lost: false },
        { host: 'h2', cause: 'timed out', lost: true },
      ]),
    ).toBe('host h3: rolled back web: web-1 unhealthy; host h2 stopped answering: timed out');
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
