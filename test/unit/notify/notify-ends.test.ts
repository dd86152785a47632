import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrchestratorActivities } from '../../../activities';
import { createNotifierActivities } from '../../../activities/notify/notifier';
import { rolloutOutcome, type RollingUpdateHandle } from '../../../client/rolling-update';
import { upsertScanSchedule } from '../../../client/scan-schedule';
import { startSecurityScan } from '../../../client/security-scan';
import { loadConfig, type DockhandConfig } from '../../../common/config';
import {
  deliveryWorkflowId,
  type DeliverNotificationsResult,
  type Notification,
} from '../../../common/remediation/notification';
import { releaseSignal, remediationStatusQuery } from '../../../common/remediation/signals';
import { rollingUpdateStatusQuery, type RollingUpdateRequest } from '../../../common/rolling-update';
import type { Finding } from '../../../common/scan/finding';
import type { ContainerScan, ScanTarget } from '../../../common/scan/scan-result';
import { rejectSignal } from '../../../common/signals';
import { FakeReplicaEngine } from '../../support/fake-replica-engine';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// Notifications when something has ended or gone wrong, from the real workflows on a private Temporal
// dev server to real local HTTP receivers: a rollout that rolls back, a container quarantined (a dead
// Slack does not hold the quarantine up; PagerDuty pages), and a scheduled scan's new critical/high
// findings (a scan started by hand tells nobody; only what is new is named). Each is delivered by a
// deliverNotifications workflow the change starts and does not wait for.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

const UI = 'http://ui.example:8233';

interface Receiver {
  url: string;
  bodies: () => Array<Record<string, unknown>>;
  server: Server;
}
async function receiver(): Promise<Receiver> {
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies: () => received.map((r) => JSON.parse(r.body) as Record<string, unknown>),
    server,
  };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What the deliverNotifications workflow of `key` returned. */
const delivery = (runId: string, step: string) =>
  t.env.client.workflow.getHandle(deliveryWorkflowId(runId, step)).result() as Promise<DeliverNotificationsResult>;

describe('notifications when a change ends badly, a container is quarantined, a scheduled scan finds news', () => {
  it('a rollout rejected at its canary step rolls back and tells Slack and the webhook once', async () => {
    const slack = await receiver();
    const hook = await receiver();
    const engine = new FakeReplicaEngine('web');
    for (const slot of [1, 2]) engine.add(`web-${slot}`, 'app:v1');
    engine.edgeConfigs.push(['web-1', 'web-2']);
    const notifier = createNotifierActivities({
      slackUrl: `${slack.url}/slack`,
      webhookUrl: `${hook.url}/hook`,
      temporalUiUrl: UI,
      namespace: 'default',
    });
    try {
      const { handle, runId } = await t.run(
        engine.activities(),
        async ({ taskQueue, hostId }) => {
          try {
            const handle = (await t.env.client.workflow.start('rollingUpdate', {
              taskQueue,
              workflowId: `notify-ends-roll-${Date.now()}`,
              args: [
                {
                  service: 'web',
                  host: hostId,
                  spec: { image: 'app:v2', network: 'web-net' },
                  monitor: 1,
                  pauseAfter: { batches: 1, approval: { required: true, timeoutMs: 60_000, approvers: [] } },
                } satisfies RollingUpdateRequest,
              ],
            })) as RollingUpdateHandle;
            await until('the approval wait', async () => {
              return (await handle.query(rollingUpdateStatusQuery)).phase === 'awaiting-approval';
            });
            await t
              .clientAs('ann')
              .workflow.getHandle(handle.workflowId)
              .signal(rejectSignal, { by: 'ann', comment: 'errors in the canary' });
            expect((await rolloutOutcome(handle)).outcome).toBe('rolled-back');
            const runId = (await handle.describe()).runId;
            // Waited for inside the run: the delivery workflow needs the orchestrator worker.
            expect(await delivery(runId, 'rolled-back')).toEqual({
              delivered: ['slack', 'webhook'],
              skipped: [],
              failed: [],
            });
            return { handle, runId };
          } finally {
            engine.release();
          }
        },
        notifier,
      );
      const key = `${handle.workflowId}/${runId}/rolled-back`;
      const ended = hook.bodies().filter((b) => b.kind === 'rolled-back');
      expect(ended).toEqual([
        expect.objectContaining({
          key,
          severity: 'warning',
          service: 'web',
          title: 'rollingUpdate of web rolled back',
        }),
      ]);
      expect(String(ended[0]!.text)).toMatch(/^notify-ends-roll-\d+ rolled back: .*rejected by ann/);
      const slackTexts = slack.bodies().map((b) => b.text);
      expect(slackTexts).toHaveLength(2); // the approval wait, then the rollback
      expect(slackTexts[1]).toBe(
        `:warning: rollingUpdate of web rolled back — ${UI}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${runId}`,
      );
    } finally {
      slack.server.close();
      hook.server.close();
    }
  }, 60_000);

  it('a quarantine pages PagerDuty and posts the webhook; a Slack that never answers does not hold it up', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const pagerDuty = await receiver();
    const hook = await receiver();
    const notifier = createNotifierActivities({
      slackUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/slack`,
      webhookUrl: `${hook.url}/hook`,
      pagerDutyKey: 'routing-key-0123456789',
      pagerDutyUrl: `${pagerDuty.url}/v2/enqueue`,
      temporalUiUrl: UI,
      namespace: 'default',
    });
    const stopped: string[] = [];
    const host = { stopContainer: async ({ name }: { name: string }) => void stopped.push(name) };
    try {
      await t.run(
        host,
        async ({ taskQueue, hostId }) => {
          const handle = await t.env.client.workflow.start('restartUnhealthy', {
            taskQueue,
            workflowId: `notify-ends-quarantine-${Date.now()}`,
            // No restarts allowed: the first unhealthy report quarantines at once.
            args: [{ host: hostId, container: 'web-1', manual: true, policy: { maxRestarts: 0, quarantine: 'stop' } }],
          });
          await until(
            'the quarantine',
            async () => (await handle.query(remediationStatusQuery)).phase === 'quarantined',
          );
          const runId = (await handle.describe()).runId;
          const key = `${handle.workflowId}/${runId}/quarantine`;
          await until('PagerDuty and the webhook', () => pagerDuty.bodies().length > 0 && hook.bodies().length > 0);
          // Quarantined and told while Slack still holds its delivery open.
          expect(sockets.filter((s) => !s.destroyed).length).toBeGreaterThan(0);
          expect(stopped).toEqual(['web-1']);
          expect(pagerDuty.bodies()).toEqual([
            expect.objectContaining({
              dedup_key: key,
              payload: expect.objectContaining({ severity: 'critical', class: 'quarantined', component: 'web-1' }),
            }),
          ]);
          expect(hook.bodies()).toEqual([
            expect.objectContaining({ key, kind: 'quarantined', severity: 'critical', container: 'web-1' }),
          ]);
          // Someone other than the starter releases it (nobody answers for their own change).
          await t.clientAs('ops').workflow.getHandle(handle.workflowId).signal(releaseSignal, { reason: 'fixed' });
          await handle.result();
          for (const s of sockets) s.destroy(); // Slack's delivery fails now, so the worker can stop
          await t.env.client.workflow.getHandle(deliveryWorkflowId(runId, 'quarantine')).terminate('test over');
        },
        notifier,
      );
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      pagerDuty.server.close();
      hook.server.close();
    }
  }, 60_000);

  it('a scheduled scan tells of its new critical/high findings only; a scan started by hand tells nobody', async () => {
    const hook = await receiver();
    const reportsDir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-notify-ends-'));
    const finding = (ruleId: string, severity: Finding['severity'], title: string): Finding => ({
      ruleId,
      title,
      severity,
      evidence: ['test'],
      remediation: 'fix it',
    });
    let findings = [finding('CIS-5.4', 'high', 'Capabilities added beyond the defaults')];
    const target: ScanTarget = { id: 'c1', name: 'web-1', image: 'app:v1', state: 'running', labels: {} };
    const host = {
      listScanTargets: async () => [target],
      scanContainer: async ({ host }: { host: string }): Promise<ContainerScan> => ({
        host,
        id: target.id,
        name: target.name,
        image: target.image,
        imageId: 'sha256:app',
        status: 'scanned',
        findings,
        notApplicable: [],
        processes: [],
      }),
    };
    const orchestrator = {
      ...createOrchestratorActivities(reportsDir),
      ...createNotifierActivities({ webhookUrl: `${hook.url}/hook`, temporalUiUrl: UI, namespace: 'default' }),
    };
    try {
      await t.run(
        host,
        async ({ taskQueue, hostId }) => {
          const config: DockhandConfig = { ...loadConfig(), hostId, orchestratorTaskQueue: taskQueue };
          const scan = { hosts: [hostId], checks: { exclude: ['DH-VULN'] } };
          const byHand = await startSecurityScan(t.env.client, config, scan);
          expect((await byHand.result()).newSeriousCount).toBe(1);

          findings = [...findings, finding('CIS-5.5', 'critical', 'Privileged container')];
          const scheduleId = `notify-ends-${hostId}`;
          await upsertScanSchedule(t.env.client, config, { scheduleId, cron: '0 3 1 1 *', scan });
          const schedule = t.env.client.schedule.getHandle(scheduleId);
          try {
            await schedule.trigger();
            await until('the scheduled scan', async () => (await schedule.describe()).info.recentActions.length > 0);
            const run = (await schedule.describe()).info.recentActions[0]!.action.workflow;
            const result = await t.env.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
            expect(result.newSerious).toEqual([
              {
                host: hostId,
                container: 'web-1',
                ruleId: 'CIS-5.5',
                severity: 'critical',
                title: 'Privileged container',
              },
            ]);
            expect(await delivery(run.firstExecutionRunId, 'new-findings')).toEqual({
              delivered: ['webhook'],
              skipped: ['slack', 'pagerduty'],
              failed: [],
            });
          } finally {
            await schedule.delete();
          }
        },
        orchestrator,
      );
      const told = hook.bodies() as unknown as Notification[];
      expect(told.map((n) => [n.kind, n.severity, n.title])).toEqual([
        ['scan-findings', 'critical', `scheduled scan notify-ends-${told[0]?.host}: 1 new critical/high finding`],
      ]);
      expect(told[0]!.text.split('\n')[0]).toBe(`${told[0]!.host}/web-1: CIS-5.5 (critical) Privileged container`);
    } finally {
      hook.server.close();
      await rm(reportsDir, { recursive: true, force: true });
    }
  }, 90_000);
});
