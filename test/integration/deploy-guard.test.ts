import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueGreenDeploy } from '../../client/blue-green';
import type { BlueGreenRequest } from '../../common/blue-green';
import type { DeployGuardResult } from '../../common/deploy-guard';
import type { EngineEvent } from '../../common/events/engine-event';
import { queueEngineEvents } from '../../activities/events/publish';
import { DockhandPhase } from '../../common/search-attributes';
import { serviceChangeId } from '../../common/workflow-ids';
import { colorsOf, patientHealthcheck, viaEdge, waitForPhase } from '../support/blue-green';
import { WorkflowFailedError } from '@temporalio/client';
import { DeployErrorType } from '../../common/errors';
import { removeNetwork, removeService } from '../support/docker';
import { waitFor } from '../support/events';
import { breakHealth, guardStack, runsOf } from '../support/deploy-guard';
import { randomBytes } from 'node:crypto';
import { Rule } from '../../common/events/rules';
import { Labels } from '../../common/labels';
import { guardDeploy } from '../../workers/lib/deploy-guard';
import { clientAs } from '../support/temporal';

const suffix = randomBytes(3).toString('hex');
const guarded = `guard-bg-${suffix}`;
const late = `guard-late-${suffix}`;
let stack: Awaited<ReturnType<typeof guardStack>>;
const app = (v: string) => `dockhand-fixture-app:${v}`;

function request(service: string, version: string): BlueGreenRequest {
  return {
    service,
    host: stack.ids.hostId,
    spec: { image: app(version), init: true, healthcheck: patientHealthcheck },
    appPort: 8080,
    approval: { required: false },
    healthTimeoutMs: 30_000,
    bakeMs: 500,
  };
}
const deploy = async (service: string, version: string) =>
  (await startBlueGreenDeploy(stack.client, stack.config, request(service, version))).result();

beforeAll(async () => {
  stack = await guardStack('guard', [
    { service: guarded, windowMs: '3m', approval: { required: true, timeoutMs: 180_000, approvers: ['alice'] } },
    { service: late, windowMs: '1s', approval: { required: false } },
  ]);
});
afterAll(async () => {
  for (const s of [guarded, late])
    await stack?.client.workflow
      .getHandle(serviceChangeId(s))
      .terminate('test over')
      .catch(() => undefined);
  await stack?.stop();
  for (const s of [guarded, late]) {
    await removeService(s);
    await removeNetwork(`${s}-net`);
  }
});

describe('deploy guard: blue-green (real engine, Redis, Temporal, nginx edge)', { timeout: 300_000 }, () => {
  it('v2 turning unhealthy after its deploy finished is rolled back to v1 after approval; a storm of events is one rollback', async () => {
    const { client, events, notifications } = stack;
    await deploy(guarded, 'v1');
    const v2 = await deploy(guarded, 'v2');
    expect(v2).toMatchObject({ liveContainer: `${guarded}-green`, image: app('v2'), spec: { image: app('v2') } });
    const port = v2.edge.hostPort;
    expect(await viaEdge(port)).toBe('200 v2\n');

    await breakHealth(`${guarded}-green`);
    const handle = client.workflow.getHandle(serviceChangeId(guarded));
    await waitFor(
      async () => {
        const d = await handle.describe();
        return d.type === 'deployGuardRollback' && d.typedSearchAttributes.get(DockhandPhase) === 'awaiting-approval';
      },
      90_000,
      'guard waits for approval',
    );
    const asked = await waitFor(
      () =>
        notifications.received.find(
          (n) => n.workflowId === handle.workflowId && String(n.title).startsWith('deploy guard:'),
        ),
      30_000,
      'approval notification',
    );
    expect(asked).toMatchObject({
      severity: 'warning',
      title: `deploy guard: roll back ${guarded}? (awaiting approval)`,
      container: `${guarded}-green`,
    });

    // A storm for the same container while the guard waits: no second rollback.
    const storm: EngineEvent[] = Array.from({ length: 20 }, (_, i) => ({
      source: 'synthetic',
      host: stack.ids.hostId,
      type: 'container',
      action: 'health_status',
      status: 'unhealthy',
      id: `storm-${suffix}`,
      name: `${guarded}-green`,
      labels: { 'dockhand.managed': 'true', 'dockhand.service': guarded, 'dockhand.color': 'green' },
      timeNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(i)),
    }));
    await queueEngineEvents(events.queue, storm);
    await waitFor(
      async () =>
        (await events.all()).filter((j) => (j.data as EngineEvent).id === `storm-${suffix}` && j.finishedOn).length ===
        20,
      60_000,
      'storm processed',
    );

    await clientAs(client, 'alice')
      .workflow.getHandle(handle.workflowId)
      .signal('approve', { by: 'alice', comment: 'roll it back' });
    const result = (await handle.result()) as DeployGuardResult;
    expect(result).toMatchObject({
      service: guarded,
      strategy: 'blue-green',
      outcome: 'rolled-back',
      spec: { image: app('v1') },
      incident: { container: `${guarded}-green`, fromImage: app('v2') },
      approval: { outcome: 'approved', by: 'alice' },
      deploy: { liveContainer: `${guarded}-blue`, image: app('v1'), previousImage: app('v2') },
    });
    expect(await viaEdge(port)).toBe('200 v1\n');
    expect(await runsOf(client, handle.workflowId, 'deployGuardRollback')).toBe(1);
    await waitFor(
      () =>
        notifications.received.find(
          (n) => n.workflowId === handle.workflowId && String(n.title).includes('rolled back'),
        ),
      30_000,
      'rolled-back notification',
    );
    // One wait, one "waits for approval" note (the gate's, in the guard's words), not two.
    const waiting = notifications.received.filter((n) => n.workflowId === handle.workflowId && n.kind === 'waiting');
    expect(waiting.map((n) => n.title)).toEqual([`deploy guard: roll back ${guarded}? (awaiting approval)`]);
  });

  it('inside the bake window the guard sends the deploy its own rollback signal (the old color still runs)', async () => {
    const handle = await startBlueGreenDeploy(stack.client, stack.config, {
      ...request(guarded, 'v2'),
      bakeMs: 120_000,
    });
    await waitForPhase(handle, 'baking', 90_000);
    await breakHealth(`${guarded}-green`);
    const err = await handle.result().catch((e: WorkflowFailedError) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({
      type: DeployErrorType.RolledBack,
      message: expect.stringContaining('by deploy-guard'),
    });
    expect(await colorsOf(guarded)).toEqual([
      { name: `${guarded}-blue`, color: 'blue', image: app('v1'), state: 'running' },
    ]);
  });

  it('an unhealthy event after the guard window does nothing', async () => {
    await deploy(late, 'v1');
    const v2 = await deploy(late, 'v2');
    // The window is 1 s; health checks need several seconds to call a container unhealthy anyway.
    await new Promise((r) => setTimeout(r, 1500));
    await breakHealth(`${late}-green`);
    const job = await stack.processedUnhealthy(`${late}-green`, 90_000);
    expect(job.returnvalue.workflows).toEqual([
      {
        workflowId: serviceChangeId(late),
        workflowType: 'deployGuardRollback',
        outcome: 'dropped',
        reason: expect.stringContaining('past the 1s guard window'),
      },
    ]);
    expect((await stack.client.workflow.getHandle(serviceChangeId(late)).describe()).type).toBe('blueGreenDeploy');
    expect(await viaEdge(v2.edge.hostPort)).toBe('200 v2\n');
  });
  it('the cost per event is bounded: a completed run is read once, not on every event (M12)', async () => {
    const { client, config } = stack;
    const rule = Rule.parse({
      name: 'guard-cost',
      match: { action: 'health_status', status: 'unhealthy', labels: { [Labels.managed]: 'true' }, service: late },
      workflow: 'deployGuard',
      args: { windowMs: '1s', approval: { required: false } },
    });
    const event = (n: number): EngineEvent => ({
      source: 'engine',
      host: stack.ids.hostId,
      type: 'container',
      action: 'health_status',
      status: 'unhealthy',
      id: `cost-${n}`,
      name: `${late}-green`,
      labels: { [Labels.managed]: 'true', [Labels.service]: late },
      timeNano: `${BigInt(Date.now()) * 1_000_000n}`,
    });
    // Count the Temporal calls that read histories and list runs (the real service, counted).
    const service = client.workflowService;
    const calls = { history: 0, list: 0 };
    const original = { history: service.getWorkflowExecutionHistory, list: service.listWorkflowExecutions };
    service.getWorkflowExecutionHistory = ((req: never) => (
      calls.history++,
      original.history.call(service, req)
    )) as never;
    service.listWorkflowExecutions = ((req: never) => (calls.list++, original.list.call(service, req))) as never;
    try {
      expect((await guardDeploy(client, config, rule, event(1))).outcome).toBe('dropped');
      const first = { ...calls };
      expect(first.history).toBeGreaterThan(0); // the first event reads the runs…
      for (let n = 2; n <= 4; n++) expect((await guardDeploy(client, config, rule, event(n))).outcome).toBe('dropped');
      expect(calls).toEqual(first); // …later events for the same latest run read nothing again
    } finally {
      Object.assign(service, { getWorkflowExecutionHistory: original.history, listWorkflowExecutions: original.list });
    }
  });
});
