import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutOutcome, type RollingUpdateHandle } from '../../../client/rolling-update';
import { ErrorType, failure } from '../../../common/errors';
import { Labels } from '../../../common/labels';
import {
  rollingUpdateStatusQuery,
  type RollingUpdateRequest,
  type RollingUpdateResult,
} from '../../../common/rolling-update';
import {
  approveSignal,
  approveUpdate,
  rejectSignal,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
} from '../../../common/signals';
import { parsePrivateKey, signAnswer } from '../../../common/answer-keys';
import { FakeReplicaEngine } from '../../support/fake-replica-engine';
import {
  createAnswerIdentityActivities,
  type AnswerIdentityRequest,
} from '../../../activities/changes/answer-identity';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// The rolling update's decisions against an in-memory host (test/support/fake-replica-engine.ts) on a
// private Temporal dev server: each case takes well under a second of workflow time. What the engine
// really does is proven by test/integration/rolling-update*.test.ts and replica-launch.test.ts.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

const service = 'web';
let n = 0;

/** Runs rollingUpdate on `engine` with `extra` and returns its result (also when it rolled back). */
async function roll(
  engine: FakeReplicaEngine,
  image: string,
  extra: Partial<RollingUpdateRequest> = {},
  during?: (handle: RollingUpdateHandle) => Promise<void>,
  requester?: string,
  orchestratorActivities?: object,
): Promise<RollingUpdateResult> {
  // Released before the workers stop: a worker shuts down only once its activities have returned.
  return t.run(
    engine.activities(),
    async ({ taskQueue, hostId }) => {
      try {
        const starter = requester ? t.clientAs(requester) : t.env.client;
        const handle = (await starter.workflow.start('rollingUpdate', {
          taskQueue,
          workflowId: `roll-${++n}-${Date.now()}`,
          args: [
            {
              service,
              host: hostId,
              spec: { image, network: 'web-net' },
              monitor: 1,
              ...extra,
            } satisfies RollingUpdateRequest,
          ],
        })) as RollingUpdateHandle;
        await during?.(handle);
        return await rolloutOutcome(handle);
      } finally {
        engine.release();
      }
    },
    orchestratorActivities,
  );
}

function replicas(count: number, image = 'app:v1'): FakeReplicaEngine {
  const engine = new FakeReplicaEngine(service);
  for (let slot = 1; slot <= count; slot++) engine.add(`${service}-${slot}`, image);
  engine.edgeConfigs.push(Array.from({ length: count }, (_, i) => `${service}-${i + 1}`));
  return engine;
}

const running = (image: string) => `${image} healthy`;

/** The same workflow as seen by a client sending as `identity` (what Temporal records with an answer;
 * the test's own client, `t.env.client`, started the rollout: it is the requester). */
const as = (identity: string, handle: RollingUpdateHandle) =>
  t.clientAs(identity).workflow.getHandle(handle.workflowId);

describe('rollingUpdate never touches what it did not create (C1)', () => {
  it('stop-first: a foreign container holding a new slot name fails the launch with a Conflict and stays', async () => {
    const engine = replicas(1);
    const foreign = engine.add(`${service}-2`, 'someone-else:1', { labels: {} });
    const result = await roll(engine, 'app:v2', { replicas: 2 });
    expect(result.outcome).toBe('rolled-back');
    expect(result.failures.map((f) => f.reason).join()).toContain('is taken by another container');
    expect(engine.byName(`${service}-2`)).toEqual(foreign);
    expect(engine.state()).toEqual({ 'web-1': running('app:v1'), 'web-2': running('someone-else:1') });
    expect(engine.edge).toEqual(['web-1']);
    expect(engine.violations).toEqual([]);
  });

  it("start-first: another service's container named like a candidate (<svc>-1-next) is left alone", async () => {
    const engine = replicas(2);
    const other = engine.add(`${service}-1-next`, 'other:1', {
      labels: { [Labels.managed]: 'true', [Labels.service]: 'web-1', [Labels.specHash]: 'x' },
    });
    const result = await roll(engine, 'app:v2', { order: 'start-first' });
    expect(result.outcome).toBe('rolled-back');
    expect(engine.byName(`${service}-1-next`)).toEqual(other);
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-1-next': running('other:1'),
      'web-2': running('app:v1'),
    });
    expect(engine.violations).toEqual([]);
  });
});

describe('rollingUpdate compensates on every exit path (H1)', () => {
  /** The step stops the old replica and keeps it as -prev, then fails (its result lost, say). */
  const halfRetire = async ({ name, keepAs }: { name: string; keepAs: string }, engine: FakeReplicaEngine) => {
    engine.retire(name, keepAs);
    throw failure(ErrorType.Unsupported, 'agent lost after the stop');
  };

  it('stop-first: a retire that stopped the old replica and then failed is undone (R2)', async () => {
    const engine = replicas(2);
    engine.fault('retireReplica', halfRetire);
    const result = await roll(engine, 'app:v2');
    expect(result.outcome).toBe('rolled-back');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1'), 'web-2': running('app:v1') });
    expect(engine.edge).toEqual(['web-1', 'web-2']);
    expect(engine.violations).toEqual([]);
  });

  it('start-first: a hand-over that stopped the only replica and then failed is undone, the edge never left on a removed one (R1)', async () => {
    const engine = replicas(1);
    engine.fault('handOverReplica', halfRetire);
    const result = await roll(engine, 'app:v2', { order: 'start-first' });
    expect(result.outcome).toBe('rolled-back');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1') });
    expect(engine.edge).toEqual(['web-1']);
    expect(engine.violations).toEqual([]);
  });

  it('start-first: an edge switch refused in the background rolls back; the candidates go, the originals serve (R3)', async () => {
    const engine = replicas(2);
    let calls = 0;
    engine.fault(
      'configureEdge',
      () => {
        throw failure(ErrorType.BadSpec, 'nginx refused the config');
      },
      () => ++calls === 2,
    );
    const result = await roll(engine, 'app:v2', { order: 'start-first' });
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toContain('nginx refused the config');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1'), 'web-2': running('app:v1') });
    expect(engine.edge).toEqual(['web-1', 'web-2']);
    expect(engine.violations).toEqual([]);
  });

  it('a failing edge leave before a batch rolls back what earlier batches changed', async () => {
    const engine = replicas(3);
    let calls = 0;
    engine.fault(
      'configureEdge',
      () => {
        throw failure(ErrorType.BadSpec, 'edge gone');
      },
      () => ++calls === 4,
    );
    const result = await roll(engine, 'app:v2');
    expect(result.outcome).toBe('rolled-back');
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
    expect(engine.edge).toEqual(['web-1', 'web-2', 'web-3']);
  });

  it('cancellation rolls back (in a scope the cancel cannot reach) and reports it', async () => {
    const engine = replicas(2);
    engine.hold('launchReplica', (input) => input.name === 'web-2');
    const result = await roll(engine, 'app:v2', {}, async (handle) => {
      await engine.reachedCall('launchReplica', (input) => input.name === 'web-2');
      await handle.cancel();
    });
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toContain('cancel');
    expect(engine.state()).toMatchObject({ 'web-1': running('app:v1') });
    expect(engine.edge).toContain('web-1');
    expect(engine.violations).toEqual([]);
  });

  it('cancelled while a hand-over and a launch ahead are still running: the undo waits for both (chaos seed 20261206 round 6)', async () => {
    const engine = replicas(3);
    // Both land after the cancellation arrived, as a rename and a create already sent to the Engine do.
    const handOver = engine.hold('handOverReplica', (input) => input.name === 'web-1');
    const ahead = engine.hold('launchReplica', (input) => input.name === 'web-3-next');
    const result = await roll(engine, 'app:v2', { order: 'start-first' }, async (handle) => {
      await engine.reachedCall('handOverReplica', (input) => input.name === 'web-1');
      await engine.reachedCall('launchReplica', (input) => input.name === 'web-3-next');
      await handle.cancel();
      // Until the fix the rollback ran now, beside them: its edge named web-1-next after the hand-over
      // had renamed it, and web-3-next was created after the undo had looked for it.
      await new Promise((r) => setTimeout(r, 1500));
      handOver();
      ahead();
    });
    expect(result).toMatchObject({ outcome: 'rolled-back', reason: 'the rollout was cancelled' });
    expect(result.left).toBeUndefined();
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
    expect(engine.edge).toEqual(['web-1', 'web-2', 'web-3']);
    expect(engine.violations).toEqual([]);
  });

  it('an undo that fails is passed over: the others still run and the outcome says what is left', async () => {
    const engine = replicas(3);
    engine.fault(
      'launchReplica',
      (input) => {
        throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
      },
      (input) => input.name === 'web-3',
    );
    engine.fault(
      'restoreReplica',
      () => {
        throw failure(ErrorType.NotFound, 'agent lost');
      },
      (input) => input.name === 'web-2',
    );
    const result = await roll(engine, 'app:v2');
    expect(result.outcome).toBe('rolled-back');
    expect(result.left).toEqual([expect.stringContaining('web-2')]);
    expect(engine.state()).toMatchObject({ 'web-1': running('app:v1'), 'web-3': running('app:v1') });
    expect(engine.violations).toEqual([]);
  });
});

describe('tolerated failures keep the slot whole (M5)', () => {
  it('a failed slot under maxFailureRatio gets its previous replica back, not a broken one', async () => {
    const engine = replicas(2);
    engine.fault(
      'launchReplica',
      (input, e) => {
        e.add(input.name, 'app:v2', { health: 'unhealthy' });
        throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
      },
      (input) => input.name === 'web-2',
    );
    const result = await roll(engine, 'app:v2', { maxFailureRatio: 0.5 });
    expect(result.outcome).toBe('updated-with-failures');
    expect(result.updated).toEqual(['web-1']);
    expect(engine.state()).toEqual({ 'web-1': running('app:v2'), 'web-2': running('app:v1') });
    expect(engine.edge).toEqual(['web-1', 'web-2']);
  });
});

describe('a re-run after an interrupted rollout (M6)', () => {
  it('keeps the last known-good -prev: a failing re-run goes back to it, not to the half-updated replica', async () => {
    const engine = new FakeReplicaEngine(service);
    engine.add('web-1', 'app:v2', { running: false, health: undefined });
    engine.add('web-1-prev', 'app:v1', { running: false, health: undefined });
    engine.add('web-2', 'app:v1');
    engine.edgeConfigs.push(['web-2']);
    const result = await roll(engine, 'app:broken');
    expect(result.outcome).toBe('rolled-back');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1'), 'web-2': running('app:v1') });
    expect(engine.violations).toEqual([]);
  });

  it('every slot interrupted: the kept originals come back one batch at a time, the edge never left empty nor routing to a replica that goes', async () => {
    // The interrupted run had replaced all three replicas (v2 serves; each v1 kept, stopped, as -prev).
    const engine = new FakeReplicaEngine(service);
    for (const slot of [1, 2, 3]) {
      engine.add(`web-${slot}`, 'app:v2');
      engine.add(`web-${slot}-prev`, 'app:v1', { running: false, health: undefined });
    }
    engine.edgeConfigs.push(['web-1', 'web-2', 'web-3']);
    const result = await roll(engine, 'app:v1', { parallelism: 1 });
    expect(result.outcome).toBe('updated');
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
    // Each restore removes its slot's v2 replica: the edge lets that one go first and keeps the others.
    const restoring = engine.calls
      .filter((c) => c.activity === 'restoreReplica' || c.activity === 'configureEdge')
      .map((c) =>
        c.activity === 'restoreReplica'
          ? `restore ${c.input.name}`
          : `edge ${(c.input.upstreams as Array<{ host: string }>).map((u) => u.host).join(' ')}`,
      );
    expect(restoring.slice(0, 9)).toEqual([
      'edge web-2 web-3',
      'restore web-1',
      'edge web-1 web-2 web-3',
      'edge web-1 web-3',
      'restore web-2',
      'edge web-1 web-2 web-3',
      'edge web-1 web-2',
      'restore web-3',
      'edge web-1 web-2 web-3',
    ]);
    expect(engine.edgeConfigs.every((members) => members.length > 0)).toBe(true);
    expect(engine.violations).toEqual([]);
  });

  it('parallelism as large as the service: the batches leave a serving replica in the edge', async () => {
    const engine = new FakeReplicaEngine(service);
    for (const slot of [1, 2]) {
      engine.add(`web-${slot}`, 'app:v2');
      engine.add(`web-${slot}-prev`, 'app:v1', { running: false, health: undefined });
    }
    engine.edgeConfigs.push(['web-1', 'web-2']);
    const result = await roll(engine, 'app:v1', { parallelism: 2 });
    expect(result.outcome).toBe('updated');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1'), 'web-2': running('app:v1') });
    expect(engine.edgeConfigs.every((members) => members.length > 0)).toBe(true);
    expect(engine.violations).toEqual([]);
  });

  /** The restore's edge configs and replica calls, one line each, in order. */
  const restoreSteps = (engine: FakeReplicaEngine) =>
    engine.calls
      .filter((c) => ['restoreReplica', 'startReplicaBeside', 'configureEdge'].includes(c.activity))
      .map((c) =>
        c.activity === 'configureEdge'
          ? `edge ${(c.input.upstreams as Array<{ host: string }>).map((u) => u.host).join(' ') || '(none: 503)'}`
          : `${c.activity} ${c.input.name}`,
      );

  it('one replica interrupted: its original comes back beside it, the edge moves to it, only then the replica goes — never an edge without a member', async () => {
    // The interrupted run had replaced the only replica (v2 serves; v1 kept, stopped, as -prev).
    const engine = new FakeReplicaEngine(service);
    engine.add('web-1', 'app:v2');
    const original = engine.add('web-1-prev', 'app:v1', { running: false, health: undefined });
    engine.edgeConfigs.push(['web-1']);
    const result = await roll(engine, 'app:v1');
    expect(result.outcome).toBe('updated');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1') });
    expect(engine.byName('web-1')!.id).toBe(original.id); // the original, not a new v1 replica
    expect(restoreSteps(engine).slice(0, 4)).toEqual([
      'startReplicaBeside web-1-prev',
      'edge web-1-prev',
      'restoreReplica web-1',
      'edge web-1',
    ]);
    expect(engine.edgeConfigs.every((members) => members.length > 0)).toBe(true);
    expect(engine.violations).toEqual([]);
  });

  it('one replica whose original publishes a fixed host port: it cannot run beside, so the edge answers 503 while it is restored', async () => {
    const engine = new FakeReplicaEngine(service);
    engine.add('web-1', 'app:v2', { hostPort: 8080 });
    engine.add('web-1-prev', 'app:v1', { running: false, health: undefined, hostPort: 8080 });
    engine.edgeConfigs.push(['web-1']);
    const result = await roll(engine, 'app:v1', { spec: { image: 'app:v1', network: 'web-net', ports: [] } });
    expect(result.outcome).toBe('updated');
    expect(engine.state()).toEqual({ 'web-1': running('app:v1') });
    expect(restoreSteps(engine).slice(0, 4)).toEqual([
      'startReplicaBeside web-1-prev',
      'edge (none: 503)',
      'restoreReplica web-1',
      'edge web-1',
    ]);
    expect(engine.byName('web-1-prev')).toBeUndefined();
    expect(engine.violations).toEqual([]);
  });

  it('syncs the edge before removing a -next it may still route to', async () => {
    const engine = new FakeReplicaEngine(service);
    engine.add('web-1-prev', 'app:v1', { running: false, health: undefined });
    engine.add('web-1-next', 'app:v2');
    engine.edgeConfigs.push(['web-1-next']);
    const result = await roll(engine, 'app:v2', { order: 'start-first' });
    expect(result.outcome).toBe('updated');
    expect(engine.state()).toEqual({ 'web-1': running('app:v2') });
    expect(engine.edge).toEqual(['web-1']);
    expect(engine.violations).toEqual([]);
  });
});

it('a rolled-back run fails the workflow with the result as details', async () => {
  const engine = replicas(1);
  await expect(
    t.run(engine.activities(), async ({ taskQueue, hostId }) =>
      t.env.client.workflow.execute('rollingUpdate', {
        taskQueue,
        workflowId: `roll-fail-${Date.now()}`,
        args: [{ service, host: hostId, spec: { image: 'app:broken', network: 'web-net' }, monitor: 1 }],
      }),
    ),
  ).rejects.toBeInstanceOf(WorkflowFailedError);
});

/** Resolves once the rollout reports `phase` in its status query. */
const phase = async (handle: RollingUpdateHandle, name: string) => {
  for (let i = 0; i < 300; i++) {
    if ((await handle.query(rollingUpdateStatusQuery)).phase === name) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never reached phase ${name}`);
};

describe('rollingUpdate decisions', () => {
  it('rolls every replica in batches of parallelism and removes the copies it kept', async () => {
    const engine = replicas(3);
    const result = await roll(engine, 'app:v2', { parallelism: 2 });
    expect(result).toMatchObject({ outcome: 'updated', updated: ['web-1', 'web-2', 'web-3'], rolledBack: [] });
    expect(engine.state()).toEqual({
      'web-1': running('app:v2'),
      'web-2': running('app:v2'),
      'web-3': running('app:v2'),
    });
    expect(engine.edge).toEqual(['web-1', 'web-2', 'web-3']);
    expect(engine.violations).toEqual([]);
  });

  it('rolls back latest change first, one batch at a time', async () => {
    const engine = replicas(3);
    engine.fault(
      'launchReplica',
      (input) => {
        throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
      },
      (input) => input.name === 'web-3',
    );
    const result = await roll(engine, 'app:v2');
    expect(result.rolledBack).toEqual(['web-3', 'web-2', 'web-1']);
    expect(engine.calls.filter((c) => c.activity === 'restoreReplica').map((c) => c.input.name)).toEqual([
      'web-3',
      'web-2',
      'web-1',
    ]);
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
  });

  it('canary: waits for approve after the first batch, then rolls the rest', async () => {
    const engine = replicas(3);
    const pauseAfter = { batches: 1, approval: { required: true, timeoutMs: 60_000, approvers: [] } };
    const result = await roll(engine, 'app:v2', { pauseAfter }, async (handle) => {
      await phase(handle, 'awaiting-approval');
      expect(await handle.query(rollingUpdateStatusQuery)).toMatchObject({
        done: 1,
        total: 3,
        waitingFor: 'approve or reject',
      });
      // The replaced v1 replica waits, stopped, as -prev: a reject restarts exactly it.
      expect(engine.state()).toEqual({
        'web-1': running('app:v2'),
        'web-1-prev': 'app:v1 stopped',
        'web-2': running('app:v1'),
        'web-3': running('app:v1'),
      });
      await as('ann', handle).signal(approveSignal, { by: 'ann', comment: 'canary looks good' });
    });
    expect(result).toMatchObject({
      outcome: 'updated',
      approval: { outcome: 'approved', by: 'ann', comment: 'canary looks good' },
    });
    expect(engine.state()).toEqual({
      'web-1': running('app:v2'),
      'web-2': running('app:v2'),
      'web-3': running('app:v2'),
    });
  });

  it('canary: what the gate keeps of answers is bounded — comment text and size, the refused list (L14)', async () => {
    const engine = replicas(2);
    const pauseAfter = { batches: 1, approval: { required: true, timeoutMs: 60_000, approvers: ['ann'] } };
    const result = await roll(engine, 'app:v2', { pauseAfter }, async (handle) => {
      await phase(handle, 'awaiting-approval');
      // Who answers is the identity Temporal records (the client's), not a typed `by`. Sent as Updates, so
      // each refusal is judged and counted before the next answer (and before ann's approval closes the
      // gate): the identity look-ups of signals finish in any order.
      for (let i = 0; i < 30; i++)
        expect(
          await as(`mallory-${i}`, handle)
            .executeUpdate(approveUpdate, { args: [{}] })
            .catch((e: unknown) => (e instanceof WorkflowUpdateFailedError ? e.cause?.message : String(e))),
        ).toBe(`refused: mallory-${i} is not an approver of web`);
      await as('ann', handle).signal(approveSignal, { comment: `  ${'x'.repeat(10_000)}  ` });
    });
    expect(result.outcome).toBe('updated');
    const approval = result.approval!;
    expect(approval.comment).toBe(`${'x'.repeat(999)}…`);
    expect(approval.refused).toHaveLength(20);
    // Answers are judged in the order they arrived: the first 20 refusals, in the order they were sent.
    expect(approval.refused.map((r) => r.by)).toEqual(Array.from({ length: 20 }, (_, i) => `mallory-${i}`));
    expect(approval.refusedMore).toBe(10);
  });

  it('canary: a comment that is not text is dropped, not kept as whatever JSON was sent (L14)', async () => {
    const engine = replicas(2);
    const pauseAfter = { batches: 1, approval: { required: true, timeoutMs: 60_000, approvers: [] } };
    const result = await roll(engine, 'app:v2', { pauseAfter }, async (handle) => {
      await phase(handle, 'awaiting-approval');
      const comment = { nested: 'x'.repeat(1000) } as unknown as string;
      await as('ann', handle).signal(approveSignal, { comment });
    });
    expect(result.approval).toMatchObject({ outcome: 'approved', by: 'ann' });
    expect(result.approval).not.toHaveProperty('comment');
  });

  it('canary: a reject rolls the canary back (start-first), naming who and why', async () => {
    const engine = replicas(3);
    const pauseAfter = { batches: 1, approval: { required: true, timeoutMs: 60_000, approvers: [] } };
    const result = await roll(engine, 'app:v2', { pauseAfter, order: 'start-first' }, async (handle) => {
      await phase(handle, 'awaiting-approval');
      await as('bob', handle).signal(rejectSignal, { by: 'bob', comment: 'error rate up' });
    });
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      updated: ['web-1'],
      rolledBack: ['web-1'],
      reason: 'canary rejected by bob: error rate up',
      approval: { outcome: 'rejected', by: 'bob' },
    });
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
  });

  it('canary: nobody approves in time, it rolls back', async () => {
    const engine = replicas(2);
    const pauseAfter = { batches: 1, approval: { required: true, timeoutMs: 1000, approvers: [] } };
    const result = await roll(engine, 'app:v2', { pauseAfter });
    expect(result).toMatchObject({ outcome: 'rolled-back', reason: 'canary timed-out' });
    expect(engine.state()).toEqual({ 'web-1': running('app:v1'), 'web-2': running('app:v1') });
  });

  it('failureAction pause: resume retries the failed replica and goes on', async () => {
    const engine = replicas(2);
    engine.fault(
      'launchReplica',
      (input) => {
        throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
      },
      (input) => input.name === 'web-2',
    );
    const result = await roll(engine, 'app:v2', { failureAction: 'pause' }, async (handle) => {
      await phase(handle, 'paused');
      await as('bob', handle).signal(resumeSignal, { by: 'bob' });
    });
    expect(result.outcome).toBe('updated');
    expect(engine.state()).toEqual({ 'web-1': running('app:v2'), 'web-2': running('app:v2') });
  });

  it('failureAction pause: a rollback signal while paused puts every changed replica back', async () => {
    const engine = replicas(3);
    engine.fault(
      'launchReplica',
      (input) => {
        throw failure(ErrorType.ContainerExited, `${input.name} exited with code 1`);
      },
      (input) => input.name === 'web-2',
    );
    const result = await roll(engine, 'app:v2', { failureAction: 'pause' }, async (handle) => {
      await phase(handle, 'paused');
      const status = await handle.query(rollingUpdateStatusQuery);
      expect(status).toMatchObject({
        paused: true,
        waitingFor: 'resume or rollback',
        currentBatch: 2,
        currentSlots: [2],
        total: 3,
        done: 1,
      });
      expect(status.failures).toEqual([{ slot: 2, name: 'web-2', reason: 'web-2 exited with code 1' }]);
      await as('carol', handle).signal(rollbackSignal, { by: 'carol', comment: 'crashes' });
    });
    expect(result).toMatchObject({ outcome: 'rolled-back', reason: 'rollback requested by carol: crashes' });
    expect(result.rolledBack).toEqual(['web-2', 'web-1']);
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
  });

  it('the deadline passed: rolls back before the next batch', async () => {
    const engine = replicas(3);
    engine.hold('launchReplica', (input) => input.name === 'web-1');
    const result = await roll(engine, 'app:v2', { deadline: '1s' }, async () => {
      await engine.reachedCall('launchReplica');
      await new Promise((r) => setTimeout(r, 1500));
      engine.release();
    });
    expect(result).toMatchObject({ outcome: 'rolled-back', reason: 'the deadline of 1s passed' });
    expect(engine.state()).toEqual({
      'web-1': running('app:v1'),
      'web-2': running('app:v1'),
      'web-3': running('app:v1'),
    });
  });
});

describe('answers go through one access check on the identity Temporal recorded (issue 16)', () => {
  const canary = (approval: object) => ({ pauseAfter: { batches: 1, approval: { timeoutMs: 60_000, ...approval } } });
  const refusal = (e: unknown) => (e instanceof WorkflowUpdateFailedError ? e.cause?.message : String(e));

  it("a forged `by` does not approve: the identity is the sender's, and the requester may not approve", async () => {
    const engine = replicas(2);
    const result = await roll(
      engine,
      'app:v2',
      canary({ approvers: ['ann', 'requester'] }),
      async (handle) => {
        await phase(handle, 'awaiting-approval');
        // mallory types ann's name: Temporal records mallory.
        const forged = await as('mallory', handle)
          .executeUpdate(approveUpdate, { args: [{ by: 'ann' }] })
          .catch(refusal);
        expect(forged).toBe('refused: mallory is not an approver of web');
        // The requester (who started the rollout) is on the list but may not approve their own change.
        const self = await as('requester', handle)
          .executeUpdate(approveUpdate, { args: [{ by: 'ann' }] })
          .catch(refusal);
        expect(self).toBe('refused: requester requested this change and may not approve it; another approver must');
        // A Signal with a forged name is judged the same way (no caller to tell: listed in the details).
        await as('mallory', handle).signal(approveSignal, { by: 'ann' });
        await expect(as('ann', handle).executeUpdate(approveUpdate, { args: [{ comment: 'ok' }] })).resolves.toBe(
          'approved by ann (1 of 1)',
        );
      },
      'requester',
    );
    expect(result.outcome).toBe('updated');
    expect(result.approval).toMatchObject({ outcome: 'approved', by: 'ann', comment: 'ok' });
    expect(result.approval!.refused.map((r) => [r.by, r.why])).toEqual([
      ['mallory', 'refused: mallory is not an approver of web'],
      ['requester', 'refused: requester requested this change and may not approve it; another approver must'],
      ['mallory', 'refused: mallory is not an approver of web'],
    ]);
  });

  it('answers are judged in the order they arrived: a later approval never overtakes an earlier refusal', async () => {
    const engine = replicas(2);
    // The look-up of the Signal's sender is slow (a busy history service): before answers were judged in
    // order, the Update sent after it was judged first, closed the gate, and the refusal never reached
    // the decision.
    const identities = createAnswerIdentityActivities(async () => t.env.client);
    const slowSignalLookup = {
      answerIdentity: async (req: AnswerIdentityRequest) => {
        if (req.signal) await new Promise((r) => setTimeout(r, 1500));
        return identities.answerIdentity(req);
      },
    };
    const result = await roll(
      engine,
      'app:v2',
      canary({ approvers: ['ann'] }),
      async (handle) => {
        await phase(handle, 'awaiting-approval');
        await as('mallory', handle).signal(approveSignal, { by: 'ann' });
        await expect(as('ann', handle).executeUpdate(approveUpdate, { args: [{}] })).resolves.toBe(
          'approved by ann (1 of 1)',
        );
      },
      undefined,
      slowSignalLookup,
    );
    expect(result.approval).toMatchObject({ outcome: 'approved', by: 'ann' });
    expect(result.approval!.refused.map((r) => [r.by, r.why])).toEqual([
      ['mallory', 'refused: mallory is not an approver of web'],
    ]);
  });

  it('two-person rule: two distinct approvers, the same one twice does not count', async () => {
    const engine = replicas(2);
    const result = await roll(
      engine,
      'app:v2',
      canary({ approvers: ['ann', 'bob'], requiredApprovals: 2 }),
      async (h) => {
        await phase(h, 'awaiting-approval');
        await expect(as('ann', h).executeUpdate(approveUpdate, { args: [{}] })).resolves.toBe(
          'approved by ann (1 of 2)',
        );
        expect(
          await as('ann', h)
            .executeUpdate(approveUpdate, { args: [{}] })
            .catch(refusal),
        ).toBe('refused: ann already approved (1 of 2); another approver must');
        expect((await h.query(rollingUpdateStatusQuery)).phase).toBe('awaiting-approval');
        await expect(as('bob', h).executeUpdate(approveUpdate, { args: [{}] })).resolves.toBe(
          'approved by bob (2 of 2)',
        );
      },
    );
    expect(result.outcome).toBe('updated');
    expect(result.approval).toMatchObject({ outcome: 'approved', approvedBy: ['ann', 'bob'] });
  });

  it('an early answer is refused by the validator: "nothing is waiting for approval"', async () => {
    const engine = replicas(2);
    engine.hold('launchReplica', (input) => input.name === 'web-1');
    await roll(engine, 'app:v2', canary({ required: false }), async (h) => {
      await engine.reachedCall('launchReplica');
      expect(
        await as('ann', h)
          .executeUpdate(approveUpdate, { args: [{}] })
          .catch(refusal),
      ).toBe('nothing is waiting for approval');
      expect(
        await as('ann', h)
          .executeUpdate(resumeUpdate, { args: [{}] })
          .catch(refusal),
      ).toBe('the rollout is not paused');
      engine.release();
    });
  });

  it('resume follows the same policy: the requester may not resume a rollout that failed its health gate', async () => {
    const engine = replicas(2);
    engine.fault(
      'launchReplica',
      (input) => {
        throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
      },
      (input) => input.name === 'web-2',
    );
    const result = await roll(
      engine,
      'app:v2',
      { failureAction: 'pause' },
      async (h) => {
        await phase(h, 'paused');
        expect(
          await as('requester', h)
            .executeUpdate(resumeUpdate, { args: [{}] })
            .catch(refusal),
        ).toBe('refused: requester requested this change and may not resume it; another approver must');
        await expect(as('bob', h).executeUpdate(resumeUpdate, { args: [{}] })).resolves.toBe('resumed by bob');
      },
      'requester',
    );
    expect(result.outcome).toBe('updated');
  });

  it('signed answers: only a valid, fresh signature of a listed key counts; the typed name and the sender do not', async () => {
    const key = (name: string) =>
      readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'answer-keys', name), 'utf8');
    const ann = parsePrivateKey(key('ann_ed25519'));
    const bob = parsePrivateKey(key('bob.pem'));
    const engine = replicas(2);
    const result = await roll(
      engine,
      'app:v2',
      canary({
        approvers: ['ann', 'bob'],
        requiredApprovals: 2,
        keys: { ann: key('ann_ed25519.pub'), bob: key('bob.pub.pem') },
        requireSignatures: true,
      }),
      async (h) => {
        await phase(h, 'awaiting-approval');
        const { runId } = await h.describe();
        const signed = (k: typeof ann, signer: string, o: { runId?: string; action?: string } = {}) =>
          signAnswer(k, { workflowId: h.workflowId, runId: o.runId ?? runId, action: o.action ?? 'approve', signer });
        // Unsigned, even from an approver Temporal recorded: refused by the validator (not in history).
        expect(
          await as('ann', h)
            .executeUpdate(approveUpdate, { args: [{ by: 'ann' }] })
            .catch(refusal),
        ).toBe('refused: web requires signed answers (sign it: --key <private key file>)');
        // bob's key signing under ann's name, a signature for another run and one for another answer.
        expect(
          await as('ann', h)
            .executeUpdate(approveUpdate, { args: [{ signature: signed(bob, 'ann') }] })
            .catch(refusal),
        ).toBe('refused: signature of ann does not verify');
        for (const other of [{ runId: 'another-run' }, { action: 'resume' }])
          expect(
            await as('ann', h)
              .executeUpdate(approveUpdate, { args: [{ signature: signed(ann, 'ann', other) }] })
              .catch(refusal),
          ).toBe('refused: signature of ann does not verify');
        // ann's valid signature counts as ann, whoever's client carries it and whatever `by` says.
        const good = signed(ann, 'ann');
        await expect(
          as('mallory', h).executeUpdate(approveUpdate, { args: [{ by: 'bob', signature: good }] }),
        ).resolves.toBe('approved by ann (1 of 2)');
        // The same signed answer again is a replay: refused before it enters history.
        expect(
          await as('bob', h)
            .executeUpdate(approveUpdate, { args: [{ signature: good }] })
            .catch(refusal),
        ).toBe('refused: the signature of ann was already used (a replayed answer)');
        await expect(
          as('bob', h).executeUpdate(approveUpdate, { args: [{ signature: signed(bob, 'bob') }] }),
        ).resolves.toBe('approved by bob (2 of 2)');
      },
    );
    expect(result.outcome).toBe('updated');
    expect(result.approval).toMatchObject({ outcome: 'approved', approvedBy: ['ann', 'bob'] });
    expect(result.approval!.refused.map((r) => r.why)).toEqual([
      'refused: signature of ann does not verify',
      'refused: signature of ann does not verify',
      'refused: signature of ann does not verify',
    ]);
  });
});
