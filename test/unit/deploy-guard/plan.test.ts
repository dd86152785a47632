import { describe, expect, it } from 'vitest';
import { deployedContainers, planDeployGuard, type ChangeRun } from '../../../common/deploy-guard';

const v1 = { image: 'app:v1', env: {}, secretEnv: {}, labels: {}, ports: [], networkAliases: [], network: 'web-net' };
const v2 = { ...v1, image: 'app:v2' };
const bgInput = {
  service: 'web',
  host: 'h1',
  spec: v2,
  appPort: 8080,
  approval: { required: true, timeoutMs: 60_000, approvers: ['alice'] },
  bakeMs: 500,
};
const previous: ChangeRun = {
  runId: 'r1',
  type: 'blueGreenDeploy',
  status: 'COMPLETED',
  startMs: 0,
  closeMs: 10_000,
  result: { spec: v1, liveContainer: 'web-blue' },
};
const latest: ChangeRun = {
  runId: 'r2',
  type: 'blueGreenDeploy',
  status: 'COMPLETED',
  startMs: 20_000,
  closeMs: 30_000,
  result: { spec: v2, image: 'app:v2', liveContainer: 'web-green' },
  input: bgInput,
};
const event = { service: 'web', container: 'web-green', color: 'green', atMs: 40_000 };
const WINDOW = 60_000;

describe('planDeployGuard', () => {
  it('rolls a completed blue-green deploy back to the previous spec inside the window, its own approval off', () => {
    expect(planDeployGuard(event, latest, previous, WINDOW)).toEqual({
      action: 'rollback',
      strategy: 'blue-green',
      fromImage: 'app:v2',
      reason: 'web-green turned unhealthy 10s after the deploy finished',
      request: { ...bgInput, spec: v1, approval: { required: false } },
    });
  });

  it('rolls a completed rolling update back with the same options, without its canary step', () => {
    const input = { service: 'web', host: 'h1', spec: v2, parallelism: 2, pauseAfter: { batches: 1 } };
    const rolled: ChangeRun = {
      ...latest,
      type: 'rollingUpdate',
      result: { spec: v2, updated: ['web-1', 'web-2'], skipped: ['web-3'] },
      input,
    };
    expect(planDeployGuard({ ...event, container: 'web-3', color: undefined }, rolled, previous, WINDOW)).toEqual({
      action: 'rollback',
      strategy: 'rolling',
      fromImage: 'app:v2',
      reason: 'web-3 turned unhealthy 10s after the deploy finished',
      request: { service: 'web', host: 'h1', spec: v1, parallelism: 2 },
    });
  });

  it('signals rollback to a blue-green deploy baking, when the unhealthy container is its new color', () => {
    const baking: ChangeRun = {
      runId: 'r2',
      type: 'blueGreenDeploy',
      status: 'RUNNING',
      startMs: 20_000,
      phase: 'baking',
      newColor: 'green',
    };
    expect(planDeployGuard(event, baking, undefined, WINDOW)).toEqual({
      action: 'signal-rollback',
      reason: 'web-green (the new green) turned unhealthy during the bake window',
    });
    expect(planDeployGuard({ ...event, container: 'web-blue', color: 'blue' }, baking, undefined, WINDOW).action).toBe(
      'ignore',
    );
    expect(planDeployGuard(event, { ...baking, phase: 'green-up' }, undefined, WINDOW).action).toBe('ignore');
  });

  it("a fleet deploy baking: the new color on the event's host signals the fleet's rollback (every host goes back)", () => {
    const baking: ChangeRun = {
      runId: 'r3',
      type: 'fleetBlueGreenDeploy',
      status: 'RUNNING',
      startMs: 20_000,
      phase: 'baking',
      // Hosts may differ: h2 was on green before, so it brings up blue.
      newColors: { h1: 'green', h2: 'blue' },
    };
    expect(planDeployGuard({ ...event, host: 'h1' }, baking, undefined, WINDOW)).toEqual({
      action: 'signal-rollback',
      reason: 'web-green (the new green) turned unhealthy during the bake window',
    });
    // web-green on h2 is the old color there; an event without a host cannot be placed.
    expect(planDeployGuard({ ...event, host: 'h2' }, baking, undefined, WINDOW).action).toBe('ignore');
    expect(planDeployGuard(event, baking, undefined, WINDOW).action).toBe('ignore');
    expect(planDeployGuard({ ...event, host: 'h1' }, { ...baking, phase: 'switching' }, undefined, WINDOW).action).toBe(
      'ignore',
    );
  });

  it("a fleet deploy that completed: its new color on the event's host rolls EVERY host back, with the fleet's own request", () => {
    const fleetInput = {
      service: 'web',
      hosts: ['h1', 'h2', 'h3'],
      spec: v2,
      bootLimit: 1,
      approval: bgInput.approval,
    };
    const fleetDone: ChangeRun = {
      ...latest,
      type: 'fleetBlueGreenDeploy',
      // Hosts may differ: h2 went from green to blue.
      result: {
        spec: v2,
        image: 'app:v2',
        hosts: [
          { host: 'h1', liveContainer: 'web-green' },
          { host: 'h2', liveContainer: 'web-blue' },
          { host: 'h3', liveContainer: 'web-green' },
        ],
      },
      input: fleetInput,
    };
    expect(planDeployGuard({ ...event, host: 'h3' }, fleetDone, previous, WINDOW)).toEqual({
      action: 'rollback',
      strategy: 'fleet-blue-green',
      fromImage: 'app:v2',
      reason: 'web-green turned unhealthy 10s after the deploy finished',
      request: { ...fleetInput, spec: v1, approval: { required: false } },
    });
    // web-green on h2 is the old color there; an event without a host cannot be placed in the fleet.
    expect(planDeployGuard({ ...event, host: 'h2' }, fleetDone, previous, WINDOW)).toEqual({
      action: 'ignore',
      reason: 'web-green on h2 is not one of the containers the last deploy brought up',
    });
    expect(planDeployGuard(event, fleetDone, previous, WINDOW).action).toBe('ignore');
  });

  it('a fleet rolling update that completed: a replica on one host rolls every host back, without its canary approval', () => {
    const fleetInput = { service: 'web', hosts: ['h1', 'h2'], spec: v2, replicas: 2, approval: { required: true } };
    const rolled: ChangeRun = {
      ...latest,
      type: 'fleetRollingUpdate',
      result: {
        spec: v2,
        hosts: [
          { host: 'h1', result: { updated: ['web-1', 'web-2'] } },
          { host: 'h2', result: { updated: ['web-1'], skipped: ['web-2'] } },
        ],
      },
      input: fleetInput,
    };
    expect(
      planDeployGuard({ ...event, container: 'web-2', color: undefined, host: 'h2' }, rolled, previous, WINDOW),
    ).toEqual({
      action: 'rollback',
      strategy: 'fleet-rolling',
      fromImage: 'app:v2',
      reason: 'web-2 turned unhealthy 10s after the deploy finished',
      request: { service: 'web', hosts: ['h1', 'h2'], spec: v1, replicas: 2 },
    });
  });

  it('a baking deploy whose approver list does not name the guard: refused, not reported as signalled (L14)', () => {
    const baking: ChangeRun = {
      runId: 'r2',
      type: 'blueGreenDeploy',
      status: 'RUNNING',
      startMs: 20_000,
      phase: 'baking',
      newColor: 'green',
      input: bgInput, // approvers: ['alice']
    };
    expect(planDeployGuard(event, baking, undefined, WINDOW)).toEqual({
      action: 'refused',
      reason:
        "web-green (the new green) turned unhealthy during the bake window, but the deploy would refuse deploy-guard's rollback (refused: deploy-guard is not listed for web (approval.systemIdentities)); list it in approval.systemIdentities",
    });
    const guardAsSystem = { ...bgInput, approval: { ...bgInput.approval, systemIdentities: ['deploy-guard'] } };
    expect(planDeployGuard(event, { ...baking, input: guardAsSystem }, undefined, WINDOW).action).toBe(
      'signal-rollback',
    );
    const guardListed = { ...bgInput, approval: { ...bgInput.approval, approvers: ['alice', 'deploy-guard'] } };
    expect(planDeployGuard(event, { ...baking, input: guardListed }, undefined, WINDOW).action).toBe('signal-rollback');
    const anyone = { ...bgInput, approval: { ...bgInput.approval, approvers: [] } };
    expect(planDeployGuard(event, { ...baking, input: anyone }, undefined, WINDOW).action).toBe('signal-rollback');
  });

  it('ignores events past the window, before the deploy, for other containers, and when nothing records a spec', () => {
    expect(planDeployGuard({ ...event, atMs: 30_000 + WINDOW + 1 }, latest, previous, WINDOW)).toEqual({
      action: 'ignore',
      reason: 'web-green turned unhealthy 60s after the deploy finished, past the 60s guard window',
    });
    expect(planDeployGuard({ ...event, atMs: 19_999 }, latest, previous, WINDOW).action).toBe('ignore');
    expect(planDeployGuard({ ...event, container: 'web-edge', color: undefined }, latest, previous, WINDOW)).toEqual({
      action: 'ignore',
      reason: 'web-edge is not one of the containers the last deploy brought up',
    });
    expect(planDeployGuard(event, latest, undefined, WINDOW)).toEqual({
      action: 'ignore',
      reason: 'no earlier completed deploy of web records a spec to go back to',
    });
    expect(planDeployGuard(event, undefined, undefined, WINDOW)).toEqual({
      action: 'ignore',
      reason: 'no change of web has run',
    });
  });

  it('ignores after a guard rollback, a failed deploy and a running rollout: one rollback per deploy', () => {
    expect(planDeployGuard(event, { ...latest, type: 'deployGuardRollback' }, previous, WINDOW)).toEqual({
      action: 'ignore',
      reason: 'the last change of web is a deployGuardRollback, not a deploy',
    });
    expect(planDeployGuard(event, { ...latest, status: 'FAILED', result: undefined }, previous, WINDOW).action).toBe(
      'ignore',
    );
    expect(
      planDeployGuard(event, { ...latest, type: 'rollingUpdate', status: 'RUNNING' }, previous, WINDOW).action,
    ).toBe('ignore');
  });
});

describe('deployedContainers', () => {
  it('is the live color, or the replicas (never -next/-prev companions)', () => {
    expect(deployedContainers('web', 'blue-green', { liveContainer: 'web-blue' })).toEqual(['web-blue']);
    expect(deployedContainers('web', 'rolling', { updated: ['web-1', 'web-2-next'], skipped: ['web-3'] })).toEqual([
      'web-1',
      'web-3',
    ]);
  });
});
