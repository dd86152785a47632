import type { Job } from 'bullmq';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockhandConfig } from '../../../common/config';
import type { EngineEvent } from '../../../common/events/engine-event';
import { Rule } from '../../../common/events/rules';
import { hostTaskQueue } from '../../../common/task-queues';
import { remediationId } from '../../../common/workflow-ids';
import type { EventJobData } from '../../../workers/lib/redis';
import { createJobProcessor } from '../../../workers/lib/trigger-processor';
import { createWorkflowTestEnv, orchestratorTestActivities, type WorkflowTestEnv } from '../../support/workflow-env';

// Issue 15 point 6: remediation keeps working when one service runs on many hosts. The same container
// name (web-1) lives on every host; an engine event carries its host, and the remediation it starts is
// that host's (its own workflow id) and acts through that host's agent only. The trigger's real job
// processor and the real workflow, on a private Temporal dev server; the agents are in-memory.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

describe('remediation on a fleet', () => {
  it("an unhealthy web-1 on host 2 restarts host 2's web-1 through host 2's agent; host 1's is untouched", async () => {
    const run = `${process.pid}-${Date.now()}`;
    const hosts = [`rh1-${run}`, `rh2-${run}`];
    const taskQueue = `fleet-remedy-${run}`;
    const restarts: string[] = [];
    const agents = await Promise.all(
      hosts.map((host) =>
        Worker.create({
          connection: t.env.nativeConnection,
          taskQueue: hostTaskQueue(host),
          activities: {
            restartIfUnhealthy: async ({ name }: { name: string }) => (
              restarts.push(`${host} ${name}`),
              { restarted: true }
            ),
          },
        }),
      ),
    );
    const orchestrator = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue,
      workflowBundle: t.bundle,
      activities: orchestratorTestActivities(t.env.client),
    });
    const rule = Rule.parse({
      name: 'autoheal',
      match: { action: 'health_status', status: 'unhealthy', labels: { 'dockhand.autoheal': 'true' } },
      workflow: 'restartUnhealthy',
      args: { idleMs: '1s' },
    });
    const event: EngineEvent = {
      source: 'engine',
      host: hosts[1]!,
      type: 'container',
      action: 'health_status',
      status: 'unhealthy',
      id: 'c-web-1-on-h2',
      name: 'web-1',
      labels: { 'dockhand.autoheal': 'true', 'dockhand.service': 'web' },
      timeNano: `${BigInt(Date.now()) * 1_000_000n}`,
    };
    const processJob = createJobProcessor(t.env.client, { orchestratorTaskQueue: taskQueue } as DockhandConfig, [rule]);
    const workflowId = remediationId('restart-unhealthy', hosts[1]!, 'web-1');
    const running = agents.map((a) => a.run());
    let result: unknown;
    try {
      result = await orchestrator.runUntil(async () => {
        expect(await processJob({ data: event } as Job<EventJobData>)).toEqual({
          workflows: [{ workflowId, workflowType: 'restartUnhealthy', outcome: 'signalled' }],
        });
        return t.env.client.workflow.getHandle(workflowId).result();
      });
    } finally {
      agents.forEach((a) => a.shutdown());
      await Promise.all(running);
    }
    expect(result).toEqual({ container: 'web-1', restarts: 1 });
    expect(restarts).toEqual([`${hosts[1]} web-1`]);
  });
});
