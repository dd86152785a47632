import type { BlueGreenPlan } from '../../common/blue-green-plan';
import { CancellationScope, patched } from '@temporalio/workflow';
import type { CanaryCheck } from '../../common/canary';
import { figuresLines, pct } from '../../common/canary-analysis';
import { MAX_STATUS_CHECKS, type CanaryInput, type CanaryPhase, type CanaryStatus } from '../../common/canary-deploy';
import {
  approved,
  checked,
  decideCanary,
  FIRST_CANARY_STATE,
  weightSet,
  type CanaryMove,
  type CanaryState,
} from '../../common/canary-plan';
import { DeployErrorType, failure } from '../../common/errors';
import type { HostAgent } from './activity-options';
import { requireApproved } from './answers';
import type { ApprovalGate } from './approval-gate';
import type { CanaryControl } from './canary-control';
import type { CanaryEdges, EdgesWindow, Offsets } from './canary-edges';
import type { Progress } from './progress';
import type { Saga } from './saga';

type Live = NonNullable<BlueGreenPlan['live']>;

/** What walking the steps needs: the edges (one host's or every host's), the policy's input, and the
 * answer desks. */
export interface CanaryWalk {
  edges: CanaryEdges;
  input: Pick<CanaryInput, 'canary' | 'spec' | 'approval'>;
  control: CanaryControl;
  gate: ApprovalGate;
  progress: Progress<CanaryPhase, CanaryStatus>;
}

/** One host's canary: its agent, input, colors and undos (the abort's quick stop is pushed once the
 * first weight is set). */
export interface CanaryRun extends Omit<CanaryWalk, 'edges'> {
  docker: HostAgent;
  input: CanaryInput;
  live: Live;
  next: BlueGreenPlan['next'];
  saga?: Saga;
}

/**
 * Walks the policy's steps: the planner (common/canary-plan.ts) says what comes next, this carries it
 * out — set a weight, judge a window of the edge log, ask for an approval, hold while paused — and
 * feeds the outcome back. Returns why the canary is promoted; an abort (failed analysis or a person)
 * throws DockhandCanaryAborted and the saga puts the edge back on stable.
 */
export async function walkSteps(run: CanaryWalk): Promise<{ why: string; firstWeightAt?: number }> {
  const { control, progress, edges } = run;
  let state: CanaryState = FIRST_CANARY_STATE;
  let offsets: Offsets | undefined;
  let firstWeightAt: number | undefined;
  let stopArmed = false;
  const watch = patched(CANARY_WATCH);
  for (;;) {
    state = control.apply(state, Date.now());
    const decided = decideCanary(run.input.canary, state, Date.now());
    state = decided.state;
    const move = decided.move;
    if (move.kind === 'abort')
      throw failure(DeployErrorType.CanaryAborted, `canary aborted: ${move.why}`, progress.status.checks.at(-1));
    if (move.kind === 'promote') return { why: move.why, ...(firstWeightAt ? { firstWeightAt } : {}) };
    if (move.kind === 'paused') {
      progress.enter('paused', `held at ${pct(progress.status.weight / 100)} by ${control.last?.by}`, ANSWERS);
      await control.wait();
    } else if (move.kind === 'approve') {
      progress.enter('awaiting-approval', `step ${move.step + 1}: ${move.weight}% to the canary needs approval`);
      const decision = await run.gate.wait();
      progress.status.approvals.push(decision);
      requireApproved(decision, { timeoutMs: run.input.approval.timeoutMs, onTimeout: 'the canary is aborted' });
      state = approved(state);
    } else if (move.kind === 'weight') {
      progress.enter('weighting', `${edges.where}: ${move.weight}% of requests to ${edges.canaryName}`);
      // The first window starts where the log ends before the first weight, so the canary's very first
      // requests are judged; later windows go on from the last one's end, across weight changes.
      if (watch && offsets === undefined) offsets = await edges.logEnds();
      await edges.setWeight(move.weight);
      if (watch && !stopArmed) {
        edges.armStop();
        stopArmed = true;
      }
      progress.status.step = move.step;
      progress.status.weight = move.weight;
      firstWeightAt ??= Date.now();
      if (!watch) offsets = await edges.logEnds();
      state = weightSet(state, Date.now());
    } else {
      progress.enter('analysing', analysingDetails(run, move), ANSWERS);
      let w: EdgesWindow | undefined;
      if (watch) {
        w = await watchOrAnswer(run, offsets ?? {}, move.waitMs);
        if (!w) continue; // an answer came: decide again first (the window goes on from the same offset)
      } else {
        if (await control.wait(move.waitMs)) continue; // an answer came: decide again first
        w = await edges.read(offsets ?? {});
      }
      offsets = w.offsets;
      const { stable, canary, verdict, reasons, hosts } = w;
      const check: CanaryCheck = {
        at: new Date().toISOString(),
        step: move.step,
        weight: move.weight,
        verdict,
        reasons,
        stable,
        canary,
        ...(hosts ? { hosts } : {}),
      };
      progress.status.checks = [...progress.status.checks, check].slice(-MAX_STATUS_CHECKS);
      state = checked(state, verdict, reasons);
    }
  }
}

/** Since this patch: windows are watched while they run (a failing one is judged at once, not at the
 * interval's end); the first window starts before the first weight and windows run on across weight
 * changes; an abort's first undo is the canary-off marker (every request to stable at once, before the
 * reload). Before it: one read after a timer, a fresh offset after every weight, the reload first. */
const CANARY_WATCH = 'canary-watch-window';

const ANSWERS =
  'the next check, or an answer — `pause`, `resume`, `promote` (all requests to the canary), `abort` (weight 0, canary removed): `dockhand pause|resume|promote|abort <service>` or Send Signal';

/** Watches one window (ends early when it fails) unless an answer comes first: then the watch is
 * cancelled and undefined returned. */
async function watchOrAnswer(run: CanaryWalk, from: Offsets, forMs: number): Promise<EdgesWindow | undefined> {
  const scope = new CancellationScope();
  const answered = scope.run(() => run.control.wait().then(() => undefined));
  const watched = scope.run(() => run.edges.watch(from, forMs));
  try {
    return await Promise.race([watched, answered]);
  } finally {
    scope.cancel(); // the one still pending: the watch after an answer, the wait after a window
    answered.catch(() => undefined);
    watched.catch(() => undefined);
  }
}

/** The Web UI's details while a window runs: the step, the thresholds and the last check's figures. */
function analysingDetails(run: CanaryWalk, move: Extract<CanaryMove, { kind: 'analyse' }>): string {
  const c = run.input.canary;
  const judged = [
    `success ${c.successRate.inclusive ? '>=' : '>'} ${pct(c.successRate.min)}`,
    ...(c.p99 ? [`p99 ${c.p99.inclusive ? '<=' : '<'} ${c.p99.maxMs}ms`] : []),
    ...(c.p50 ? [`p50 ${c.p50.inclusive ? '<=' : '<'} ${c.p50.maxMs}ms`] : []),
    `at least ${c.minRequests} canary requests`,
  ].join(', ');
  const last = run.progress.status.checks.at(-1);
  return [
    `step ${move.step + 1} of ${c.steps.length}: ${move.weight}% of requests to ${run.edges.canaryName} (${run.input.spec.image}); next check in ${Math.round(move.waitMs / 1000)}s (at once when the window fails), judged by ${judged}.`,
    last
      ? `Last check (${last.verdict}${last.reasons.length ? `: ${last.reasons.join('; ')}` : ''}):\n\n${figuresLines(last)}`
      : 'No check yet.',
  ].join('\n\n');
}

/** Every request to the canary: the blue-green config with the canary's color live (the marker file),
 * so a rollback in the bake window is the one-file switch back. */
export async function promoteCanary(run: Pick<CanaryRun, 'docker' | 'input' | 'live' | 'next'>, saga: Saga) {
  const { docker, input, live, next } = run;
  const edge = input.edge.name;
  saga.add(`point ${edge} back at ${live.name}`, () =>
    docker.switchEdgeColor({ edge, service: input.service, live: live.color }),
  );
  await docker.configureEdgeColors({
    edge,
    service: input.service,
    colors: [live.color, next.color],
    port: input.appPort,
    live: next.color,
  });
}
