import { CancellationScope, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import { BlueGreenInput, type BlueGreenRequest, type BlueGreenResult } from '../common/blue-green';
import { approvalDetails, deployTimings, otherColor, type BlueGreenPlan } from '../common/blue-green-plan';
import { DeployErrorType, failure } from '../common/errors';
import { validate } from '../common/spec/validate';
import { ApprovalGate } from './lib/approval-gate';
import { askApproval, type ApprovalAsk } from './lib/ask-approval';
import * as step from './lib/blue-green-steps';
import { deployProgress } from './lib/progress';
import { hostAgent, type HostAgent } from './lib/activity-options';
import { RollbackWindow } from './lib/rollback-window';
import { compensateAndThrow, messageOf, Saga } from './lib/saga';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Blue-green deploy — the runbook "run green, wait healthy, (ask), switch the edge, keep blue a
 * while, remove blue", durable and reversible: every step's undo goes on a saga, and a failure,
 * rejection, approval timeout, rollback or cancellation puts the edge back on blue, removes green
 * and leaves blue untouched before the workflow fails with the cause.
 */
export async function blueGreenDeploy(request: BlueGreenRequest): Promise<BlueGreenResult> {
  const input = validate(BlueGreenInput, request, 'input');
  const { service, host, spec, edge } = input;
  const docker = hostAgent(host);
  const requesters = input.origin ? [input.origin.requestedBy] : [];
  const gate = new ApprovalGate(input.approval, { subject: service, requesters, service, host });
  const rollback = new RollbackWindow(input.approval, service);
  const progress = deployProgress({ service, host, newImage: spec.image });
  const saga = new Saga();
  const startedAt = Date.now();
  const run = { docker, input, saga, progress, final: false }; // final: an exit from here is not "as before"
  tagWorkflow({ service, host, image: spec.image });
  try {
    const { plan, edgePort, greenHealthyAt } = await bringUp(run);
    const { live, next } = plan;
    const approval = (progress.status.approval = await askApproval(gate, progress, approvalAsk(input, plan)));
    const approvedAt = Date.now();
    const from = live ? `${live.name} (${live.image})` : 'nothing';
    progress.enter('switching', `edge ${edge.name}: ${from} → ${next.name} (${spec.image})`);
    await step.switchEdge(docker, input, plan, saga);
    const switchedAt = Date.now();
    const warnings = live ? await bakeAndDrain(run, rollback, live, next.name) : [];
    saga.commit();
    if (warnings.length) progress.status.warnings = warnings;
    progress.enter(
      'done',
      `${next.name} serves ${spec.image} through ${edge.name}${warnings.length ? `; warning: ${warnings.join('; ')}` : ''}`,
    );
    return {
      service,
      host,
      liveColor: next.color,
      liveContainer: next.name,
      image: spec.image,
      previousColor: live?.color,
      previousImage: live?.image,
      approval,
      edge: { name: edge.name, hostIp: edge.hostIp, hostPort: edgePort },
      spec,
      finishedAt: new Date().toISOString(),
      ...(warnings.length ? { warnings } : {}),
      timings: deployTimings({ startedAt, greenHealthyAt, approvedAt, switchedAt, finishedAt: Date.now() }),
    };
  } catch (err) {
    progress.status.failure = (err as Error).message;
    return compensateAndThrow(saga, err, {
      enter: (phase, details) => progress.enter(phase, details),
      asBefore: `${service} is as before this deploy`,
      subject: service,
      final: run.final ? 'The new color is live; the old one may be left (see the phases).' : undefined,
      onUndoFailures: (failed) => (progress.status.undoFailures = failed),
    });
  }
}

interface DeployRun {
  docker: HostAgent;
  input: BlueGreenInput;
  saga: Saga;
  progress: ReturnType<typeof deployProgress>;
  /** The new color is final: nothing is undone any more. */
  final: boolean;
}

/** Plan the colors, prepare the edge, bring the new color up healthy (and smoke-check it). */
async function bringUp({ docker, input, saga, progress }: DeployRun) {
  const { service, host, spec, edge } = input;
  progress.enter('planning', `which color of ${service} is live on ${host}`);
  const { plan, edge: edgeState } = await step.planDeploy(docker, input);
  const { live, next } = plan;
  Object.assign(progress.status, { oldColor: live?.color, oldImage: live?.image, newColor: next.color });
  progress.enter('edge', `network ${spec.network}, images, edge ${edge.name}`);
  const edgePort = await step.prepareEdge(docker, input, edgeState, saga);
  progress.enter(
    'green-up',
    `${next.name} with ${spec.image}: create, start, wait until healthy (up to ${input.healthTimeoutMs / 1000}s)`,
    `the host agent of \`${host}\`: ${next.name}'s health check`,
  );
  await step.bringUpNewColor(docker, input, plan, saga);
  const greenHealthyAt = Date.now();
  if (input.smoke) {
    progress.enter('smoke', `GET ${input.smoke.path} on ${next.name}, expecting ${input.smoke.expectStatus}`);
    await step.smokeCheck(docker, input, next.name);
  }
  return { plan, edgePort, greenHealthyAt };
}

/** Asks a person when the policy wants one; anything but an approval rolls the deploy back. */
function approvalAsk(input: BlueGreenInput, { live, next }: BlueGreenPlan): ApprovalAsk {
  return {
    policy: input.approval,
    details: (timeoutAt) =>
      approvalDetails({
        service: input.service,
        workflowId: workflowInfo().workflowId,
        oldImage: live?.image,
        oldColor: live?.color,
        newImage: input.spec.image,
        newColor: next.color,
        timeoutAt,
        approvers: input.approval.approvers,
      }),
    ifNot: 'the deploy is rejected and rolled back',
    onTimeout: 'rejected by default',
  };
}

/** The bake window with the old color kept (a `rollback` signal fails the deploy, so the saga undoes the
 * switch); past it the new color is final and the old one is drained away. Returns the drain's warnings. */
async function bakeAndDrain(
  run: DeployRun,
  rollback: RollbackWindow,
  live: NonNullable<BlueGreenPlan['live']>,
  nextName: string,
): Promise<string[]> {
  const { docker, input, saga, progress } = run;
  const { service, bakeMs } = input;
  const warnings: string[] = [];
  progress.enter(
    'baking',
    `${nextName} serves; ${live.name} kept ${input.oldColorDuringBake} for ${bakeMs / 1000}s. Roll back: signal \`rollback\` {"comment": "<why>"} — or \`dockhand rollback ${service}\``,
    `the bake window (${bakeMs / 1000}s) to end, or a \`rollback\` signal`,
  );
  rollback.openAsBakeBegins(bakeMs);
  await step.holdOldColor(docker, input, live.name, saga);
  if (await rollback.wait(bakeMs))
    throw failure(
      DeployErrorType.RolledBack,
      `rolled back to ${live.name} by ${rollback.requested!.by}${rollback.requested!.comment ? `: ${rollback.requested!.comment}` : ''}`,
      rollback.requested,
    );
  saga.commit(); // past the window the new color is final: from here nothing is undone
  run.final = true;
  progress.enter('draining', `removing ${live.name} once the edge's old workers are done with it`);
  // The new color is live: a clean-up that fails is a warning, never a failed deploy (review M7).
  const drain = () =>
    step.drainOldColor(docker, input, live.name, otherColor(live.color)).catch((err) => {
      if (isCancellation(err) || !patched('bg-cleanup-warnings')) throw err;
      warnings.push(`${live.name} (${live.image}) was not removed: ${messageOf(err)}`);
    });
  // Nothing can undo a final switch, so a cancellation now would only leave both colors behind:
  // the drain finishes whatever comes, and the outcome says the cancellation came too late.
  if (patched('bg-final-drain-not-cancellable')) {
    await CancellationScope.nonCancellable(drain);
    if (CancellationScope.current().consideredCancelled)
      warnings.push('cancelled after the new color was final: finished the drain instead of undoing');
  } else await drain();
  return warnings;
}
