import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueGreenDeploy } from '../../../client/blue-green';
import { startCanaryDeploy } from '../../../client/canary-deploy';
import { startCleanup } from '../../../client/cleanup';
import { startEnsureService } from '../../../client/ensure-service';
import { startHarden } from '../../../client/harden';
import { ensureHealthSweepSchedule } from '../../../client/health-sweep';
import { launchContainersPresentation } from '../../../client/launch-containers';
import { startPresentation } from '../../../client/presentation';
import { startRemediation } from '../../../client/remediate';
import { signalRestartDesk } from '../../../client/restart-desk';
import { startRollingUpdate } from '../../../client/rolling-update';
import { startSecurityScan } from '../../../client/security-scan';
import { startReadScanReport } from '../../../client/scan-report';
import { readServiceStatus } from '../../../client/service-status';
import { readServiceLogs } from '../../../client/service-logs';
import { startPullImage } from '../../../client/pull-image';
import { startFleetBlueGreenDeploy } from '../../../client/fleet-blue-green';
import { startFleetCanaryDeploy } from '../../../client/fleet-canary';
import { startFleetRollingUpdate } from '../../../client/fleet-rolling';
import { BlueGreenInput } from '../../../common/blue-green';
import { fleetRepairPresentation } from '../../../common/fleet-repair';
import { deliveryPresentation, deliveryWorkflowId, type Notification } from '../../../common/remediation/notification';
import { validate } from '../../../common/spec/validate';
import { DEFAULT_APPROVAL } from '../../../common/approval';
import { loadConfig, type DockhandConfig } from '../../../common/config';
import { HOST_SUMMARIES } from '../../../workflows/lib/activity-summaries';
import * as workflows from '../../../workflows';
import { deployGuardPresentation } from '../../../workers/lib/deploy-guard';
import { readUiMetadata, uiGaps } from '../../support/ui-metadata';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// Every workflow type explains itself in the Temporal UI: each is started the way the product starts it
// (the CLI's, trigger's, deploy guard's and schedules' own start functions), its host activities fail at
// once (test doubles), and what the UI would show is read back from the history and the SDK's
// `__temporal_workflow_metadata` query: a static summary and details, the DockhandWorkflow search
// attribute, a summary on every activity and timer it scheduled, a description on every handler, and
// current details. A workflow type added without a case here fails the first test.

/** Host activities that fail at once: the run stops early, with what it scheduled in its history. */
const failingHost = Object.fromEntries(
  Object.keys(HOST_SUMMARIES).map((name) => [
    name,
    async () => {
      throw ApplicationFailure.nonRetryable(`${name}: test double`, 'TestDouble');
    },
  ]),
);

type Start = (client: Client, config: DockhandConfig, hostId: string) => Promise<WorkflowHandle>;

const image = 'dockhand-fixture-app:v2';
const network = 'dh-ui-meta';
const STARTS: Record<keyof typeof workflows, Start> = {
  blueGreenDeploy: (c, config, host) =>
    startBlueGreenDeploy(c, config, { service: 'web', host, spec: { image, network } }),
  canaryDeploy: (c, config, host) =>
    startCanaryDeploy(c, config, {
      service: 'cweb',
      host,
      spec: { image, network },
      canary: {
        steps: [
          { weight: 10, pauseMs: 20_000, approval: false },
          { weight: 100, pauseMs: 0, approval: false },
        ],
        intervalMs: 5_000,
        successRate: { min: 0.99, inclusive: true },
        minRequests: 10,
        failuresAllowed: 0,
      },
    }),
  rollingUpdate: (c, config, host) =>
    startRollingUpdate(c, config, { service: 'api', host, spec: { image, network }, replicas: 2 }),
  ensureService: (c, config, host) => startEnsureService(c, config, { service: 'one', host, spec: { image } }),
  securityScan: (c, config, host) => startSecurityScan(c, config, { hosts: [host] }),
  readScanReport: (c, config, host) => startReadScanReport(c, config, { reportId: `none-${host}`, chunk: 0 }),
  remediateCleanup: (c, config, host) => startCleanup(c, config, { host }),
  remediateHarden: (c, config, host) => startHarden(c, config, { host, container: 'web-blue' }),
  restartUnhealthy: (c, config, host) => startRemediation(c, config, remediation('restartUnhealthy', host)),
  memoryPressure: (c, config, host) => startRemediation(c, config, remediation('memoryPressure', host)),
  restartDesk: (c, config, host) =>
    signalRestartDesk(c, config, {
      host,
      rule: 'autoheal',
      batch: { policy: {}, events: [{ container: 'web-blue', event: remediation('restartUnhealthy', host).event }] },
    }),
  healthSweep: async (c, config, host) => {
    const scheduleId = `ui-meta-sweep-${host}`;
    await ensureHealthSweepSchedule(c, config, [host], '1h', scheduleId);
    const schedule = c.schedule.getHandle(scheduleId);
    await schedule.trigger();
    try {
      for (;;) {
        const run = (await schedule.describe()).info.recentActions[0]?.action;
        if (run) return c.workflow.getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await schedule.delete();
    }
  },
  deployGuardRollback: (c, config, host) => {
    const approval = { ...DEFAULT_APPROVAL, timeoutMs: 60_000 };
    const request = {
      service: 'web',
      host,
      strategy: 'blue-green' as const,
      approval,
      request: { service: 'web', host, spec: { image: 'dockhand-fixture-app:v1', network } },
      incident: {
        container: 'web-green',
        at: '2026-12-02T07:00:00.000Z',
        deployRunId: 'run-1',
        deployFinishedAt: '2026-12-02T06:59:00.000Z',
        fromImage: image,
      },
    };
    return c.workflow.start('deployGuardRollback', {
      taskQueue: config.orchestratorTaskQueue,
      workflowId: `deploy/web-guard-${host}`,
      args: [request],
      ...startPresentation(
        deployGuardPresentation(
          'guard',
          request,
          'unhealthy 20 s after the deploy',
          approval,
          request.request.spec.image,
        ),
      ),
    });
  },
  serviceStatus: async (c, config, host) => {
    await readServiceStatus(c, config, { service: 'web', hosts: [host] });
    for await (const run of c.workflow.list({ query: `WorkflowType = 'serviceStatus' AND DockhandService = 'web'` }))
      return c.workflow.getHandle(run.workflowId, run.runId);
    throw new Error('the serviceStatus run is not listed');
  },
  serviceLogs: async (c, config, host) => {
    await readServiceLogs(c, config, { service: 'web', hosts: [host], tail: 10 }).catch(() => undefined);
    for await (const run of c.workflow.list({ query: `WorkflowType = 'serviceLogs' AND DockhandService = 'web'` }))
      return c.workflow.getHandle(run.workflowId, run.runId);
    throw new Error('the serviceLogs run is not listed');
  },
  fleetBlueGreenDeploy: (c, config, host) =>
    startFleetBlueGreenDeploy(c, config, { service: 'fleet', hosts: [host], spec: { image, network } }),
  fleetCanaryDeploy: (c, config, host) =>
    startFleetCanaryDeploy(c, config, {
      service: 'cfleet',
      hosts: [host],
      spec: { image, network },
      canary: {
        steps: [
          { weight: 10, pauseMs: 20_000, approval: false },
          { weight: 100, pauseMs: 0, approval: false },
        ],
        intervalMs: 5_000,
        successRate: { min: 0.99, inclusive: true },
        minRequests: 10,
        failuresAllowed: 0,
      },
    }),
  fleetRollingUpdate: (c, config, host) =>
    startFleetRollingUpdate(c, config, { service: 'rfleet', hosts: [host], spec: { image, network } }),
  // The fleet deploy starts it as a child when a host stops answering; here directly, with the same options.
  fleetHostRepair: (c, config, host) => {
    const request = {
      input: validate(BlueGreenInput, { service: 'fleet', host, spec: { image, network } }, 'input'),
      plan: {
        live: { color: 'blue' as const, name: 'fleet-blue', image },
        next: { color: 'green' as const, name: 'fleet-green' },
      },
      waitMs: 5_000,
    };
    return c.workflow.start('fleetHostRepair', {
      taskQueue: config.orchestratorTaskQueue,
      workflowId: `repair/ui-meta-${host}`,
      args: [request],
      ...fleetRepairPresentation(request),
    });
  },
  // A change starts it as an abandoned child to tell people how it ended; here directly, with the same options.
  deliverNotifications: (c, config, host) => {
    const notification: Notification = {
      key: `deploy/web/run-1/failed-${host}`,
      kind: 'failed',
      severity: 'warning',
      title: 'blueGreenDeploy of web failed',
      text: 'deploy/web failed: test',
      host,
      container: '',
      service: 'web',
      workflowId: 'deploy/web',
      runId: 'run-1',
    };
    return c.workflow.start('deliverNotifications', {
      taskQueue: config.orchestratorTaskQueue,
      workflowId: deliveryWorkflowId(`run-${host}`, 'failed'),
      args: [{ notification }],
      ...deliveryPresentation(notification),
    });
  },
  pullImage: (c, config, host) =>
    startPullImage(c, config.orchestratorTaskQueue, { image, hosts: [host] }, `pull-image/ui-meta-${host}`),
  launchContainers: (c, config, host) => {
    const request = {
      host,
      containers: [{ name: 'bench-1', service: 'bench', spec: { image } }],
      healthTimeoutMs: 5_000,
    };
    return c.workflow.start('launchContainers', {
      taskQueue: config.orchestratorTaskQueue,
      workflowId: `bench/ui-meta-${host}`,
      args: [request],
      ...startPresentation(launchContainersPresentation(request, 'this test')),
    });
  },
};

function remediation(workflowType: 'restartUnhealthy' | 'memoryPressure', host: string) {
  return {
    workflowType,
    host,
    container: 'web-blue',
    input: { host, container: 'web-blue', policy: {} },
    event: { action: workflowType === 'memoryPressure' ? 'oom' : 'health_status', timeNano: '1', source: 'test' },
    service: 'web',
    summary: `${workflowType} for web-blue`,
    startedBy: 'this test',
  };
}

/** Waits until the run has scheduled something (or ended), so its history shows its first steps. */
async function settled(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return;
    const events = (await handle.fetchHistory()).events ?? [];
    if (events.some((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes)) return;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} scheduled nothing within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let t: WorkflowTestEnv;
beforeAll(async () => {
  t = await createWorkflowTestEnv();
}, 180_000);
afterAll(async () => {
  await t?.teardown();
});

describe('every workflow type explains itself in the Temporal UI', () => {
  it('has a start case for every workflow the orchestrator registers', () => {
    expect(Object.keys(STARTS).sort()).toEqual(Object.keys(workflows).sort());
  });

  it('summary, details, search attribute, step summaries, handler descriptions, current details', async () => {
    const gaps = await t.run(failingHost, async ({ taskQueue, hostId }) => {
      const config: DockhandConfig = { ...loadConfig(), hostId, orchestratorTaskQueue: taskQueue };
      const found: string[] = [];
      for (const [type, start] of Object.entries(STARTS)) {
        const handle = await start(t.env.client, config, hostId);
        await settled(handle);
        const meta = await readUiMetadata(handle);
        // A run that stopped before any step still shows what it is; one that ran shows its steps.
        if (meta.steps.length === 0 && type !== 'deployGuardRollback') found.push(`${type}: scheduled nothing`);
        found.push(...uiGaps(type, meta));
        // It may end between the describe and the terminate: that is as good as terminated.
        if ((await handle.describe()).status.name === 'RUNNING')
          await handle.terminate('metadata read').catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      }
      return found;
    });
    expect(gaps).toEqual([]);
  });

  it('catches a gap: a run started without a summary and an activity without one', async () => {
    const gaps = uiGaps('someWorkflow', {
      searchAttributes: {},
      steps: [{ kind: 'activity', name: 'createContainer', summary: 'createContainer' }],
      handlers: [{ kind: 'signal', name: 'approve' }],
    });
    expect(gaps).toEqual([
      'someWorkflow: no static summary',
      'someWorkflow: no static details',
      'someWorkflow: search attribute DockhandWorkflow is undefined',
      'someWorkflow: activity createContainer has no summary',
      'someWorkflow: signal approve has no description',
      'someWorkflow: no current details',
    ]);
  });
});
