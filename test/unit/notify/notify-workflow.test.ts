import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifierActivities } from '../../../activities/notify/notifier';
import { rolloutOutcome, type RollingUpdateHandle } from '../../../client/rolling-update';
import { DELIVERY_HEADERS, SIGNATURE_HEADER, TIMESTAMP_HEADER, signDelivery } from '../../../common/events/signature';
import { rollingUpdateStatusQuery, type RollingUpdateRequest } from '../../../common/rolling-update';
import { approveSignal, resumeSignal } from '../../../common/signals';
import { ErrorType, failure } from '../../../common/errors';
import { FakeReplicaEngine } from '../../support/fake-replica-engine';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// Notifications from a real workflow on a private Temporal dev server to a real local HTTP receiver: a
// rollout that waits for approval tells Slack (and the signed webhook) once, with the UI link and the
// exact approve command; a channel that never answers does not hold the rollout up.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

const SECRET = 'notify-test-secret-0123456789';
const UI = 'http://ui.example:8233';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
async function receiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

function replicas(count: number): FakeReplicaEngine {
  const engine = new FakeReplicaEngine('web');
  for (let slot = 1; slot <= count; slot++) engine.add(`web-${slot}`, 'app:v1');
  engine.edgeConfigs.push(Array.from({ length: count }, (_, i) => `web-${i + 1}`));
  return engine;
}

async function awaitingApproval(handle: RollingUpdateHandle): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await handle.query(rollingUpdateStatusQuery)).phase === 'awaiting-approval') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never waited for approval');
}

/** A canary rollout of 2 replicas that waits for approval after the first; approved once it waits. */
async function canary(
  notifier: object,
  onWaiting: (handle: RollingUpdateHandle) => Promise<void>,
  onDone: () => void = () => undefined,
) {
  const engine = replicas(2);
  return t.run(
    engine.activities(),
    async ({ taskQueue, hostId }) => {
      try {
        const handle = (await t.env.client.workflow.start('rollingUpdate', {
          taskQueue,
          workflowId: `notify-roll-${Date.now()}`,
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
        await awaitingApproval(handle);
        await onWaiting(handle);
        // Someone other than the starter (who may not approve their own change) answers.
        await t
          .clientAs('ann')
          .workflow.getHandle(handle.workflowId)
          .signal(approveSignal, { by: 'ann', comment: 'canary looks good' });
        const result = await rolloutOutcome(handle);
        onDone(); // before the workers stop (they wait for deliveries still in flight)
        return { handle, result };
      } finally {
        engine.release();
      }
    },
    notifier,
  );
}

describe('notifications from workflows', () => {
  it('a rollout waiting for approval posts one Slack message with the link and the command, and one signed webhook', async () => {
    const slack = await receiver();
    const hook = await receiver();
    try {
      const notifier = createNotifierActivities({
        slackUrl: `${slack.url}/slack`,
        webhookUrl: `${hook.url}/hook`,
        webhookSecret: SECRET,
        temporalUiUrl: UI,
        namespace: 'default',
      });
      const { handle, result } = await canary(notifier, async () => {
        for (let i = 0; i < 100 && (slack.received.length === 0 || hook.received.length === 0); i++)
          await new Promise((r) => setTimeout(r, 100));
      });
      expect(result.outcome).toBe('updated');
      const runId = (await handle.describe()).runId;
      const link = `${UI}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${runId}`;
      expect(slack.received).toHaveLength(1);
      const message = JSON.parse(slack.received[0]!.body) as { text: string; blocks: unknown[] };
      expect(message.text).toBe(`:warning: web waits for approval (rollingUpdate) — ${link}`);
      expect(JSON.stringify(message.blocks)).toContain(`"url":"${link}"`);
      expect(JSON.stringify(message.blocks)).toContain(`dockhand approve ${handle.workflowId} --comment`);

      expect(hook.received).toHaveLength(1);
      const { headers, body } = hook.received[0]!;
      const key = `${handle.workflowId}/${runId}/approval-1`;
      expect(headers[DELIVERY_HEADERS[0]]).toBe(key);
      expect(headers[SIGNATURE_HEADER]).toBe(signDelivery(SECRET, String(headers[TIMESTAMP_HEADER]), key, body));
      expect(JSON.parse(body)).toMatchObject({ key, kind: 'waiting', severity: 'warning', service: 'web', link });
    } finally {
      slack.server.close();
      hook.server.close();
    }
  }, 60_000);

  it('a channel that never answers does not hold the rollout up', async () => {
    // Accepts connections and never answers: each delivery attempt hangs until its own timeout.
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/slack`;
      const notifier = createNotifierActivities({ slackUrl: url, temporalUiUrl: UI, namespace: 'default' });
      let hanging = 0;
      const { result } = await canary(
        notifier,
        async () => {
          for (let i = 0; i < 100 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        },
        () => {
          hanging = sockets.filter((s) => !s.destroyed).length;
          for (const s of sockets) s.destroy(); // the delivery fails now, so the worker can shut down
        },
      );
      // The rollout finished while the Slack delivery was still waiting for an answer.
      expect(result.outcome).toBe('updated');
      expect(hanging).toBeGreaterThan(0);
    } finally {
      for (const s of sockets) s.destroy(); // the delivery fails now, so the worker can shut down
      silent.close();
    }
  }, 60_000);

  it('a rollout paused by a failed health gate tells Slack once, with the resume and rollback commands', async () => {
    const slack = await receiver();
    const engine = replicas(2);
    engine.fault(
      'launchReplica',
      (input) => {
        throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
      },
      (input) => input.name === 'web-2',
    );
    try {
      const notifier = createNotifierActivities({
        slackUrl: `${slack.url}/slack`,
        temporalUiUrl: UI,
        namespace: 'default',
      });
      const result = await t.run(
        engine.activities(),
        async ({ taskQueue, hostId }) => {
          try {
            const handle = (await t.env.client.workflow.start('rollingUpdate', {
              taskQueue,
              workflowId: `notify-paused-${Date.now()}`,
              args: [
                {
                  service: 'web',
                  host: hostId,
                  spec: { image: 'app:v2', network: 'web-net' },
                  monitor: 1,
                  failureAction: 'pause',
                } satisfies RollingUpdateRequest,
              ],
            })) as RollingUpdateHandle;
            for (let i = 0; i < 100 && slack.received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
            expect((await handle.query(rollingUpdateStatusQuery)).phase).toBe('paused');
            await t.clientAs('ann').workflow.getHandle(handle.workflowId).signal(resumeSignal, { by: 'ann' });
            return await rolloutOutcome(handle);
          } finally {
            engine.release();
          }
        },
        notifier,
      );
      expect(result.outcome).toBe('updated');
      expect(slack.received).toHaveLength(1);
      const message = JSON.parse(slack.received[0]!.body) as { text: string; blocks: unknown[] };
      expect(message.text).toMatch(/^:warning: web rollout paused \(rollingUpdate\) — /);
      const blocks = JSON.stringify(message.blocks);
      expect(blocks).toContain('web-2: Docker marked it unhealthy');
      expect(blocks).toContain('dockhand resume notify-paused-');
      expect(blocks).toContain('dockhand rollback notify-paused-');
      expect(blocks).not.toContain('dockhand approve');
    } finally {
      slack.server.close();
    }
  }, 60_000);
});
