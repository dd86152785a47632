import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  sleep,
} from '@temporalio/workflow';
import { DEFAULT_APPROVAL, type ApprovalDecision } from '../common/approval';
import { DeployErrorType } from '../common/errors';
import { FleetErrorType } from '../common/fleet';
import {
  edgeName,
  replicaName,
  RollingUpdateInput,
  serviceNetwork,
  type ReplicaInfo,
  type RollingUpdateRequest,
  type RollingUpdateResult,
} from '../common/rolling-update';
import { validate } from '../common/spec/validate';
import { ApprovalGate } from './lib/approval-gate';
import { FleetHold } from './lib/fleet-hold';
import { hostAgent } from './lib/activity-options';
import { isHostLoss } from './lib/host-loss';
import { rollingUpdateV1 } from './lib/legacy/rolling-update-v1';
import { RolloutControl } from './lib/rollout-control';
import { RolloutProgress } from './lib/rollout-progress';
import { startRollout, type Rollout } from './lib/rollout-start';
import { FIRST_STEP_STATE, nextRolloutStep, type RolloutStep, type StepEvent } from './lib/rollout-steps';
import { reasonOf } from './lib/rollout-undo';

const NO_APPROVAL = { ...DEFAULT_APPROVAL, required: false, timeoutMs: 1 };
/** Without a policy, anyone who may call the namespace resumes or rolls back — except that whoever
 * started the rollout may not resume it (common/answer-policy.ts). */
const ANYONE_ELSE = { approvers: [] };
/** Runs started since: one compensation model on every exit path (undo by container id, in a
 * non-cancellable scope), interrupted runs reconciled first. Older runs replay rollingUpdateV1. */
const COMPENSATION = 'rollout-compensation';
/** Runs started since wait, on cancellation, for the host calls in flight to end before undoing (a
 * hand-over's rename or a launch's create could land after the undo had looked; chaos seed 20261206). */
const UNDO_AFTER_IN_FLIGHT = 'rollout-undo-after-in-flight';
/** Runs of a fleet's host started since end at once when their host's agent stops answering, undoing
 * nothing there (every undo would only time out too): the fleet leaves the host to a repair. */
const FLEET_HOST_LOST = 'rollout-fleet-host-lost';
/** Runs of a fleet's host started since stop putting replicas back once the agent is found gone while
 * undoing (a cancellation because another host failed) and end as lost too: the fleet repairs the host
 * instead of reporting every undo that timed out as not as before. */
const FLEET_HOST_LOST_UNDOING = 'rollout-fleet-host-lost-undoing';

/**
 * Rolls a replicated service (`<service>-1 … <service>-N` behind `<service>-edge`) to a new spec,
 * batch by batch, each replica gated on health and a monitor period — the runbook's "stop, rm, run,
 * poll until healthy, sleep, next", durable. A failure, a rejected canary, a `rollback` signal, the
 * deadline, a cancellation or any failing step puts every changed replica back and fails the workflow
 * with the result; tolerated failures get their previous replica back.
 */
export async function rollingUpdate(request: RollingUpdateRequest): Promise<RollingUpdateResult> {
  if (!patched(COMPENSATION)) return rollingUpdateV1(request);
  const input = validate(RollingUpdateInput, request, 'input');
  const { service, host } = input;
  const spec = { ...input.spec, network: serviceNetwork(service, input.spec) };
  const waitForCancelled = patched(UNDO_AFTER_IN_FLIGHT);
  const docker = hostAgent(host, { waitForCancelled, agentPickupMs: input.agentPickupMs });
  const requesters = input.origin ? [input.origin.requestedBy] : [];
  const gate = new ApprovalGate(input.pauseAfter?.approval ?? NO_APPROVAL, {
    subject: service,
    requesters,
    service,
    host,
  });
  const control = new RolloutControl(input.approval ?? input.pauseAfter?.approval ?? ANYONE_ELSE, service);
  const progress = new RolloutProgress(service, host, spec.image, () => control.paused);
  const fleet = input.fleetHold ? new FleetHold() : undefined;
  const { endOnHostLoss, lostWhileUndoing } = fleetHostLossRules(!!fleet);
  const run: RolloutRun = { host, progress, gate, control, waitForCancelled, endOnHostLoss, lostWhileUndoing };
  let rollout: Rollout | undefined;
  let reason: string | undefined;
  try {
    progress.enter(
      'preparing',
      `network ${spec.network}, image ${spec.image} and edge ${edgeName(service, input.edge)} on host ${host}`,
    );
    rollout = await startRollout(docker, input, spec, endOnHostLoss);
    Object.assign(progress.status, {
      total: rollout.plan.total,
      batches: rollout.plan.batches.length,
      done: rollout.plan.skip.length,
      failures: rollout.runner.failures,
    });
    reason = await carryOut(rollout, run, `${spec.image} (${input.order})`);
    if (reason === undefined) await fleet?.hold(host, progress, endOnHostLoss ? input.agentPickupMs : undefined);
  } catch (err) {
    if (endOnHostLoss && isHostLoss(err)) throw hostLost(host, progress, err);
    reason = isCancellation(err) ? CANCELLED : reasonOf(err);
  }
  return CancellationScope.nonCancellable(async () => {
    const result = reason ? await rollBack(rollout, run, reason) : await finish(rollout!, progress);
    const outcome = {
      service,
      image: spec.image,
      approval: run.approval,
      reason,
      spec,
      edge: edgeName(service, input.edge),
    };
    const whole: RollingUpdateResult = { ...result, ...outcome, finishedAt: new Date().toISOString() };
    await condition(allHandlersFinished);
    if (whole.outcome !== 'rolled-back') return whole;
    throw ApplicationFailure.create({
      type: DeployErrorType.RolledBack,
      message: `rolled back ${service}: ${reason}`,
      nonRetryable: true,
      details: [whole],
    });
  });
}

/** How a fleet's host run ends when its agent stops answering (the patches in the order first taken). */
function fleetHostLossRules(fleetHost: boolean) {
  const endOnHostLoss = fleetHost && patched(FLEET_HOST_LOST);
  return { endOnHostLoss, lostWhileUndoing: endOnHostLoss && patched(FLEET_HOST_LOST_UNDOING) };
}

interface RolloutRun {
  host: string;
  progress: RolloutProgress;
  gate: ApprovalGate;
  control: RolloutControl;
  approval?: ApprovalDecision;
  /** Calls in flight end before a cancelled run goes on: it then stops at the next step. */
  waitForCancelled: boolean;
  /** A fleet's host: its agent not answering ends the run (see FLEET_HOST_LOST). */
  endOnHostLoss: boolean;
  /** … also while it puts replicas back (see FLEET_HOST_LOST_UNDOING). */
  lostWhileUndoing: boolean;
}
const CANCELLED = 'the rollout was cancelled';
type Outcome = Pick<
  RollingUpdateResult,
  'outcome' | 'updated' | 'skipped' | 'removed' | 'rolledBack' | 'failures' | 'left'
>;

/** Runs the planner's steps until it says done (undefined) or roll back (the reason). */
async function carryOut(rollout: Rollout, run: RolloutRun, target: string): Promise<string | undefined> {
  const { runner, plan, steps } = rollout;
  const service = steps.service;
  const names = (slots: number[]) => slots.map((slot) => replicaName(service, slot)).join(', ');
  const observed = () => ({ at: Date.now(), rollbackRequest: run.control.rollbackRequest });
  const ran = () => ({ failing: runner.failingSlots, lastFailure: runner.failures.at(-1)?.reason });
  let decision = nextRolloutStep(steps, FIRST_STEP_STATE, { type: 'started', ...observed() });
  for (;;) {
    const step: RolloutStep = decision.step;
    let event: StepEvent;
    if (step.kind === 'rollback') return step.reason;
    if (step.kind === 'done') return undefined;
    if (step.kind === 'batch') {
      Object.assign(run.progress.status, { currentBatch: step.number, currentSlots: step.slots });
      run.progress.enter('updating', `batch ${step.number}/${plan.batches.length}: ${names(step.slots)} → ${target}`);
      await runner.run(step.slots, step.upcoming);
      event = { type: 'batch-ran', ...ran(), ...observed() };
    } else if (step.kind === 'settle') {
      await runner.settle(step.last);
      event = { type: 'settled', ...ran(), ...observed() };
    } else if (step.kind === 'canary') {
      const how = 'Signal `approve` to roll the rest or `reject` to roll back: {"comment": "<why>"}';
      run.progress.enter(
        'awaiting-approval',
        `canary: ${runner.updated.join(', ')} run ${target}. ${how}`,
        'approve or reject',
      );
      const approval = (run.approval = await run.gate.wait());
      event = {
        type: 'canary-answered',
        outcome: approval.outcome,
        by: approval.by,
        comment: approval.comment,
        ...observed(),
      };
    } else if (step.kind === 'pause') {
      const how =
        'Signal `resume` to retry the failed replicas and go on, or `rollback` to put every changed replica back';
      run.progress.enter('paused', `${step.why}\n\n${how}: {"comment": "<why>"}`, 'resume or rollback');
      await run.control.pause(step.why);
      event = { type: 'resumed', ...observed() };
    } else {
      await sleep(step.ms, { summary: `delay between batches: ${step.ms / 1000} s` });
      event = { type: 'delayed', ...observed() };
    }
    if (run.endOnHostLoss && runner.lostHost) throw runner.lostHost as Error;
    // A step whose calls ended after a cancellation (their results recorded) is the last one.
    if (run.waitForCancelled && CancellationScope.current().consideredCancelled) return CANCELLED;
    run.progress.status.done = plan.skip.length + runner.updated.length;
    decision = nextRolloutStep(steps, decision.state, event);
  }
}

/** A fleet host's run ends as its agent stopped answering: nothing undone here, the failure typed so
 * the fleet knows the host is lost (and repairs it once its agent is back). */
function hostLost(
  host: string,
  progress: RolloutProgress,
  err: unknown,
  undone = 'Nothing undone here',
): ApplicationFailure {
  const why = `host ${host} stopped answering: ${reasonOf(err)}`;
  progress.enter('failed', `${why}. ${undone}: the fleet's repair puts the replicas back once its agent answers.`);
  return ApplicationFailure.create({
    type: FleetErrorType.HostLost,
    message: why,
    nonRetryable: true,
    cause: err as Error,
  });
}

/** Every changed replica back, latest first; what could not be put back is reported as left. */
async function rollBack(rollout: Rollout | undefined, run: RolloutRun, reason: string): Promise<Outcome> {
  run.progress.enter('rolling-back', reason);
  const outcome: Outcome = {
    outcome: 'rolled-back',
    updated: [],
    skipped: [],
    removed: [],
    rolledBack: [],
    failures: [],
  };
  if (!rollout) return (run.progress.enter('rolled-back', `${reason} (nothing was changed)`), outcome);
  const { undo, edge, promoter, runner, plan, existing } = rollout;
  await promoter.drain();
  const updated = runner.updated;
  undo.stopOnHostLoss = run.lostWhileUndoing;
  await undo.rollback();
  if (undo.stopOnHostLoss && undo.lostHost)
    throw hostLost(run.host, run.progress, undo.lostHost, 'Stopped putting replicas back');
  const serving = existing.filter((r) => plan.live.includes(r.name) && undo.untouched(r.slot)).map((r) => r.name);
  await undo.attempt(`edge ${edge.edge}: serve ${serving.join(', ')}`, () => edge.join(serving));
  const left = undo.left.length > 0 ? undo.left : undefined;
  run.progress.enter('rolled-back', `${reason}${left ? `; left: ${left.join('; ')}` : ''}`);
  return {
    ...outcome,
    updated,
    skipped: skipped(rollout),
    rolledBack: undo.rolledBack,
    failures: runner.failures,
    left,
  };
}

/** Scale down, tolerated failures back to their previous replica, the kept -prev copies and an
 * interrupted run's leftovers removed. The target is live: a failure here is reported, not undone. */
async function finish(rollout: Rollout, progress: RolloutProgress): Promise<Outcome> {
  const { undo, edge, runner, plan, existing, steps, docker } = rollout;
  progress.enter('finishing', `scaling to ${plan.total}, removing the replaced replicas kept for rollback`);
  const failing = runner.failingSlots;
  if (failing.length > 0) await undo.rollback(failing);
  const scaleDown = existing.filter(
    (r) => plan.scaleDown.includes(r.slot) && r.name === replicaName(steps.service, r.slot),
  );
  const removed = scaleDown.map((r) => r.name);
  await undo.attempt(`edge ${edge.edge}: let ${removed.join(', ')} go`, () => edge.leave(removed));
  await undo.attempt(`edge ${edge.edge}: final names`, () => edge.flushNames());
  const remove = (r: ReplicaInfo, stop: boolean) =>
    undo.attempt(`remove ${r.name}`, async () => {
      if (stop) await docker.stopContainer({ name: r.name });
      await docker.removeReplica({ name: r.name, id: r.id, service: steps.service, slot: r.slot });
    });
  await Promise.all(scaleDown.map((r) => remove(r, true)));
  await undo.discardPrevious(failing);
  const leftovers = existing.filter((r) => plan.leftovers.includes(r.name) && !r.name.endsWith('-next'));
  await Promise.all(leftovers.map((r) => remove(r, false)));
  const left = undo.left.length > 0 ? undo.left : undefined;
  progress.enter('done', `${plan.total} replicas of ${steps.service}${left ? `; left: ${left.join('; ')}` : ''}`);
  const outcome = failing.length > 0 ? 'updated-with-failures' : 'updated';
  return {
    outcome,
    updated: runner.updated,
    skipped: skipped(rollout),
    removed,
    rolledBack: undo.rolledBack,
    failures: runner.failures,
    left,
  };
}

const skipped = (rollout: Rollout) => rollout.plan.skip.map((slot) => replicaName(rollout.steps.service, slot));
