import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerDeploy } from '../../../client/answer';
import { statusQuery, type BlueGreenRequest, type BlueGreenResult } from '../../../common/blue-green';
import { DeployErrorType, ErrorType, failure } from '../../../common/errors';
import { serviceChangeId } from '../../../common/workflow-ids';
import { FakeFleetHost } from '../../support/fake-fleet-host';
import { waitFor } from '../../support/wait';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// blueGreenDeploy's compensation decisions against one in-memory host (test/support/fake-fleet-host.ts)
// on a private Temporal dev server: what is undone, in which order, and how the run ends. What the
// Engine and nginx really do (the undo removes the new color by its id, blue keeps answering v1 through
// the edge) is test/integration/blue-green-compensation.test.ts; foreign containers are
// test/integration/blue-green-ownership.test.ts.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

let n = 0;

/** A host serving `<service>-blue` on app:v1 through its edge, for a service of this test alone. */
function blueOnV1() {
  const service = `bgwf${process.pid}x${++n}`;
  return { service, host: FakeFleetHost.serving(`bg-host-${n}`, service, 'app:v1') };
}

const onV1 = (service: string) => ({ serving: `${service}-blue (app:v1)`, containers: [`${service}-blue app:v1`] });
const approval = (timeoutMs = 60_000) => ({ approval: { required: true, timeoutMs } });
const refused = (message: string) => ApplicationFailure.nonRetryable(message, 'EngineRefused');

interface Outcome {
  result?: BlueGreenResult;
  error?: unknown;
  status: { phase: string; failure?: string; undoFailures?: unknown[]; phases: Array<{ phase: string }> };
}

/** Deploys app:v2 of the host's service with `extra`, doing `during` while it runs; returns how it ended. */
function deploy(
  { service, host }: ReturnType<typeof blueOnV1>,
  extra: Partial<BlueGreenRequest> = {},
  during?: (handle: WorkflowHandle) => Promise<void>,
): Promise<Outcome> {
  // Notifications are not what these tests look at: no channel is configured (the activity's own answer
  // then; `undefined` failed the notification child's workflow task on every attempt).
  const notifier = { deliverNotification: async () => ({ delivered: false }) };
  return t.run(
    host.activities(),
    async ({ taskQueue, hostId }) => {
      const handle = await t.env.client.workflow.start('blueGreenDeploy', {
        taskQueue,
        workflowId: serviceChangeId(service),
        args: [
          {
            service,
            host: hostId,
            spec: { image: 'app:v2' },
            approval: { required: false },
            bakeMs: 0,
            ...extra,
          } satisfies BlueGreenRequest,
        ],
      });
      await during?.(handle);
      const ended = await handle.result().then(
        (result: BlueGreenResult) => ({ result }),
        (e: unknown) => {
          if (!(e instanceof WorkflowFailedError)) throw e;
          return { error: e.cause };
        },
      );
      return { ...ended, status: await handle.query(statusQuery) };
    },
    notifier,
  );
}

async function reaches(handle: WorkflowHandle, phase: string): Promise<void> {
  await waitFor(async () => (await handle.query(statusQuery)).phase === phase, 30_000, `phase ${phase}`, 50);
}

/** The error type an ending carries (an activity's own failure sits one level down). */
function typeOf(error: unknown): string | undefined {
  const e = error as ApplicationFailure & { cause?: ApplicationFailure };
  return e.type ?? e.cause?.type ?? undefined;
}

describe('blueGreenDeploy compensation: every way a deploy ends early leaves blue serving, alone', () => {
  it('a clean deploy (the baseline the other cases differ from): green on v2 serves, blue removed', async () => {
    const w = blueOnV1();
    const { result, error } = await deploy(w);
    expect(error).toBeUndefined();
    expect(result!.liveContainer).toBe(`${w.service}-green`);
    expect(w.host.state()).toEqual({
      serving: `${w.service}-green (app:v2)`,
      containers: [`${w.service}-green app:v2`],
    });
  });

  it('reject: green removed, blue untouched, the workflow fails with who and why', async () => {
    const w = blueOnV1();
    const { error, status } = await deploy(w, approval(), async (handle) => {
      await reaches(handle, 'awaiting-approval');
      await answerDeploy(t.clientAs('bob'), w.service, 'reject', { comment: 'not on a Friday' });
    });
    expect(typeOf(error)).toBe(DeployErrorType.Rejected);
    expect((error as Error).message).toBe('rejected by bob: not on a Friday');
    expect(status.phase).toBe('failed');
    expect(w.host.state()).toEqual(onV1(w.service));
    expect(w.host.edge).toEqual({ colors: ['blue'], live: 'blue' });
  });

  it('approval timeout rejects by default, with the same clean outcome', async () => {
    const w = blueOnV1();
    const { error, status } = await deploy(w, approval(1500));
    expect(typeOf(error)).toBe(DeployErrorType.ApprovalTimedOut);
    expect(status.phase).toBe('failed');
    expect(w.host.state()).toEqual(onV1(w.service));
  });

  it('cancel while waiting: compensates in a non-cancellable scope', async () => {
    const w = blueOnV1();
    const { error, status } = await deploy(w, approval(), async (handle) => {
      await reaches(handle, 'awaiting-approval');
      await handle.cancel();
    });
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(status.phase).toBe('failed');
    expect(w.host.state()).toEqual(onV1(w.service));
  });

  // A failure at each step before the new color is final: the undos of what was done, in reverse, and
  // the deploy fails with the step's own cause.
  const steps: Array<{ step: string; activity: string; fail: () => Promise<unknown>; type: string }> = [
    {
      step: 'planning',
      activity: 'listServiceContainers',
      fail: () => Promise.reject(refused('engine down')),
      type: 'EngineRefused',
    },
    {
      step: 'edge',
      activity: 'ensureImage',
      fail: () => Promise.reject(failure(ErrorType.ImageMissing, 'no app:v2')),
      type: ErrorType.ImageMissing,
    },
    {
      step: 'green-up',
      activity: 'waitHealthy',
      fail: () => Promise.reject(failure(ErrorType.Unhealthy, 'green unhealthy')),
      type: ErrorType.Unhealthy,
    },
    {
      step: 'smoke',
      activity: 'smokeCheck',
      fail: async () => ({ status: 404, url: 'http://green/health', body: '' }),
      type: DeployErrorType.CheckFailed,
    },
    {
      step: 'switching',
      activity: 'probeEdge',
      fail: async () => ({ ok: false, status: '502', body: '' }),
      type: DeployErrorType.CheckFailed,
    },
  ];
  it.each(steps)(
    'failure at $step ($activity): blue serving, alone, the cause kept',
    async ({ step, activity, fail, type }) => {
      const w = blueOnV1();
      w.host.fault(activity, fail);
      const { error, status } = await deploy(
        w,
        step === 'smoke' ? { smoke: { path: '/health', expectStatus: 200 } } : {},
      );
      expect(typeOf(error)).toBe(type);
      expect(status.phases.map((p) => p.phase).slice(-3)).toEqual([step, 'compensating', 'failed']);
      expect(w.host.state()).toEqual(onV1(w.service));
      expect(w.host.edge).toEqual({ colors: ['blue'], live: 'blue' });
    },
  );

  it('the undo removes green by the id its create returned, not by name alone', async () => {
    const w = blueOnV1();
    const removed: unknown[] = [];
    w.host.fault('removeContainer', async (input) => {
      removed.push(input);
      w.host.containers.delete(input.name as string);
      return { removed: true };
    });
    w.host.fault('waitHealthy', () => Promise.reject(failure(ErrorType.Unhealthy, 'green unhealthy')));
    await deploy(w);
    expect(removed).toEqual([{ name: `${w.service}-green`, id: expect.stringMatching(/^c\d+$/), service: w.service }]);
    expect(w.host.state()).toEqual(onV1(w.service));
  });

  it('rollback inside the bake window (old color stopped): blue started again, the edge back on it', async () => {
    const w = blueOnV1();
    const { error } = await deploy(w, { bakeMs: 120_000, oldColorDuringBake: 'stopped' }, async (handle) => {
      await reaches(handle, 'baking');
      // The bake starts, then the old color stops (the edge forgets it first).
      await waitFor(() => !w.host.containers.get(`${w.service}-blue`)!.running, 30_000, 'blue stopped');
      expect(w.host.edge).toEqual({ colors: ['green'], live: 'green' });
      await answerDeploy(t.clientAs('carol'), w.service, 'rollback', { comment: 'error rate' });
    });
    expect(typeOf(error)).toBe(DeployErrorType.RolledBack);
    expect((error as Error).message).toContain('by carol: error rate');
    expect(w.host.state()).toEqual(onV1(w.service));
  });

  it('a rollback sent as the bake begins counts, while the old color is still being stopped', async () => {
    const w = blueOnV1();
    let stopped!: () => void;
    const stopping = new Promise<void>((resolve) => (stopped = resolve));
    w.host.fault('stopContainer', async (i) => {
      await stopping; // the Engine's stop takes its grace period: the status already says "baking"
      w.host.containers.get(i.name as string)!.running = false;
    });
    const { error } = await deploy(w, { bakeMs: 120_000, oldColorDuringBake: 'stopped' }, async (handle) => {
      await reaches(handle, 'baking');
      await waitFor(() => w.host.calls.includes('stopContainer'), 30_000, 'blue stopping');
      const answered = answerDeploy(t.clientAs('carol'), w.service, 'rollback', { comment: 'too soon' });
      await answered.finally(stopped); // the stop ends either way, so a refusal fails the test at once
      expect((await answered).verdict).toContain('carol');
    });
    expect(typeOf(error)).toBe(DeployErrorType.RolledBack);
    expect((error as Error).message).toContain('by carol: too soon');
    expect(w.host.state()).toEqual(onV1(w.service));
  });

  it('the edge learns the new color while its health is awaited, not after', async () => {
    const w = blueOnV1();
    // Healthy only once the edge has been told about green: a deploy that waits first never gets there.
    w.host.fault('waitHealthy', async () => {
      await waitFor(() => w.host.edge.colors.includes('green'), 4_000, 'the edge learning green').catch(() => {
        throw failure(ErrorType.Unhealthy, 'the edge was not told of green while its health was awaited');
      });
      return { health: 'healthy' };
    });
    const { error } = await deploy(w);
    expect(error).toBeUndefined();
    expect(w.host.state()).toEqual({
      serving: `${w.service}-green (app:v2)`,
      containers: [`${w.service}-green app:v2`],
    });
  });

  it('a new color that dies at start fails the deploy as unhealthy, whatever the edge said of its name', async () => {
    const w = blueOnV1();
    w.host.fault('waitHealthy', async () => {
      await new Promise((r) => setTimeout(r, 300));
      throw failure(ErrorType.Unhealthy, 'green exited with code 1');
    });
    w.host.fault('configureEdgeColors', async (i) => {
      const colors = i.colors as Array<'blue' | 'green'>;
      if (colors.includes('green')) throw refused('nginx refused: host not found in upstream');
      return oldWorkersStillRunning(w.host)(i);
    });
    const { error } = await deploy(w);
    expect(typeOf(error)).toBe(ErrorType.Unhealthy);
    expect((error as { cause?: Error }).cause?.message).toBe('green exited with code 1');
    expect(w.host.state()).toEqual(onV1(w.service));
  });

  it('an undo that fails: "compensation incomplete", the status and the failure say what is left', async () => {
    const w = blueOnV1();
    w.host.fault('waitHealthy', () => Promise.reject(failure(ErrorType.Unhealthy, 'green unhealthy')));
    w.host.fault('removeContainer', () => Promise.reject(refused('engine refused the removal')));
    const { error, status } = await deploy(w);
    expect(typeOf(error)).toBe(DeployErrorType.CompensationIncomplete);
    expect((error as Error).message).toBe(
      `green unhealthy; compensation incomplete, left: remove ${w.service}-green failed (engine refused the removal)`,
    );
    expect(status.phase).toBe('failed');
    expect(status.undoFailures).toEqual([{ what: `remove ${w.service}-green`, error: 'engine refused the removal' }]);
    expect(w.host.state().containers).toEqual([`${w.service}-blue app:v1`, `${w.service}-green app:v2`]);
    expect(w.host.edge.live).toBe('blue');
  });

  it('cancel during the drain (after the bake window): the deploy finishes, the old color goes', async () => {
    const w = blueOnV1();
    let drained!: () => void;
    const draining = new Promise<void>((resolve) => (drained = resolve));
    w.host.fault('waitEdgeDrained', async () => (await draining, { drained: true }));
    w.host.fault('configureEdgeColors', oldWorkersStillRunning(w.host));
    const { result, error } = await deploy(w, approval(), async (handle) => {
      await reaches(handle, 'awaiting-approval');
      await answerDeploy(t.clientAs('carol'), w.service, 'approve', {});
      await reaches(handle, 'draining');
      await handle.cancel();
      drained();
    });
    expect(error).toBeUndefined();
    expect(result!.warnings?.join(' ')).toContain('cancelled after the new color was final');
    expect(w.host.state()).toEqual({
      serving: `${w.service}-green (app:v2)`,
      containers: [`${w.service}-green app:v2`],
    });
  });
});

/** configureEdgeColors as an edge whose old workers still finish requests when the change returns (or an
 * agent from before it reported that): the change is made, `drained` is not said. */
function oldWorkersStillRunning(host: FakeFleetHost) {
  return async (i: Record<string, unknown>) => {
    host.edge = { colors: [...(i.colors as Array<'blue' | 'green'>)], live: i.live as 'blue' | 'green' };
    return { changed: true, previousConfig: '' };
  };
}

describe('blueGreenDeploy on the edge: as few Engine round trips as the checks allow', () => {
  it('the switch and its check through the edge are one activity; no edge read in the drain, no drain poll once the change saw the old workers go', async () => {
    const w = blueOnV1();
    const { error } = await deploy(w);
    expect(error).toBeUndefined();
    expect(w.host.calls.filter((c) => c === 'switchEdgeColor')).toHaveLength(1);
    expect(w.host.calls).not.toContain('probeEdge');
    expect(w.host.calls).not.toContain('waitEdgeDrained');
    expect(w.host.calls.filter((c) => c === 'readEdge')).toHaveLength(1); // the plan's: the drain knows what serves
    expect(w.host.calls).not.toContain('inspectContainer'); // the edge's port came with that read
    expect(w.host.state().serving).toBe(`${w.service}-green (app:v2)`);
  });

  it('an agent from before (its edge read says no port): the edge is inspected for it, and the result has it', async () => {
    const w = blueOnV1();
    w.host.fault('readEdge', async () => ({
      exists: true,
      running: true,
      colors: ['blue'],
      upstreamHosts: [`${w.service}-blue`],
      config: '',
    }));
    const { result, error } = await deploy(w);
    expect(error).toBeUndefined();
    expect(w.host.calls).toContain('inspectContainer');
    expect(result!.edge.hostPort).toBe(18080);
  });

  it('an agent from before (no check with the switch, no drained flag): probed after the switch, its drain polled', async () => {
    const w = blueOnV1();
    w.host.fault('switchEdgeColor', async (i) => ((w.host.edge.live = i.live as 'green'), { changed: true, at: 0 }));
    w.host.fault('configureEdgeColors', oldWorkersStillRunning(w.host));
    const { error } = await deploy(w);
    expect(error).toBeUndefined();
    const edgeCalls = w.host.calls.filter((c) => /Edge/.test(c));
    expect(edgeCalls).toEqual([
      'readEdge',
      'configureEdgeColors',
      'switchEdgeColor',
      'probeEdge',
      'configureEdgeColors',
      'waitEdgeDrained',
    ]);
    expect(w.host.state().serving).toBe(`${w.service}-green (app:v2)`);
  });
});
