import {
  ApplicationFailure,
  condition,
  allHandlersFinished,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { DEFAULT_APPROVAL, type ApprovalDecision } from '../../../common/approval';
import { DeployErrorType } from '../../../common/errors';
import { DockhandHost, DockhandImage, DockhandService, DockhandWorkflow } from '../../../common/search-attributes';
import {
  edgeName,
  replicaName,
  RollingUpdateInput,
  rollingUpdateStatusQuery,
  serviceNetwork,
  type RollingUpdateRequest,
  type RollingUpdateResult,
  type RollingUpdateStatus,
} from '../../../common/rolling-update';
import { validate } from '../../../common/spec/validate';
import { ApprovalGate } from '../approval-gate';
import { hostAgent } from '../activity-options';
import { enterPhase } from '../progress';
import { RolloutBatchesV1 as RolloutBatches } from './rollout-batches-v1';
import { batchSettings } from '../rollout-batch-runner';
import { RolloutControl } from '../rollout-control';
import { newRolloutStatus } from '../rollout-progress';
import { EdgeUpstream } from '../rollout-edge';
import { prepareRollout, prepareRolloutStepByStep } from '../rollout-edge-setup';
import { failureLimitExceeded, planRollout } from '../rollout-plan';

const NO_APPROVAL = { ...DEFAULT_APPROVAL, required: false, timeoutMs: 1 };
/** Runs started since: set-up in two rounds of activities side by side, the start-first edge sync
 * behind the first batch (older runs replay step by step). */
const SETUP_AT_ONCE = 'rollout-setup-at-once';

// Frozen: rollingUpdate as it ran before patched('rollout-compensation') (workflows/rolling-update.ts);
// it replays the runs recorded then: rolling-canary-rejected, rolling-crash-rolled-back, rolling-paused-rolled-back,
// rolling-{start,stop}-first-10, rolling-{start,stop}-first-10-setup-at-once and deploy-guard-rolling
// (test/fixtures/histories; test/unit/workflow-replay.test.ts).
// Only code that takes no decision is shared with today's rollout (status shape, bySlot). Remove (with
// rollout-batches-v1.ts) once no such run can still be open.

/**
 * Rolls a replicated service (`<service>-1 … <service>-N` behind `<service>-edge`) to a new spec,
 * batch by batch, each replica gated on health and a monitor period — the runbook's
 * "stop, rm, run, poll until healthy, sleep, next", durable, with rollback, pause and a canary step.
 */
export async function rollingUpdateV1(request: RollingUpdateRequest): Promise<RollingUpdateResult> {
  const input = validate(RollingUpdateInput, request, 'input');
  const { service, host } = input;
  const spec = { ...input.spec, network: serviceNetwork(service, input.spec) };
  const docker = hostAgent(host);
  const edgeContainer = edgeName(service, input.edge);
  const gate = new ApprovalGate(input.pauseAfter?.approval ?? NO_APPROVAL);
  const control = new RolloutControl();
  const status: RollingUpdateStatus = newRolloutStatus();
  setHandler(rollingUpdateStatusQuery, () => ({ ...status, paused: control.paused }), {
    description: 'Replicas done/total, current batch, failures',
  });
  upsertSearchAttributes([
    { key: DockhandService, value: service },
    { key: DockhandHost, value: host },
    { key: DockhandImage, value: spec.image },
    { key: DockhandWorkflow, value: workflowInfo().workflowType },
  ]);
  const phase = (name: string, details: string, waitingFor = '') => (
    Object.assign(status, { phase: name, waitingFor }),
    enterPhase(name, details)
  );

  phase('preparing', `network ${spec.network}, image ${spec.image} and edge ${edgeContainer} on host ${host}`);
  const setup = {
    service,
    network: spec.network,
    spec,
    edge: input.edge,
    edgeName: edgeContainer,
    replicas: input.replicas,
  };
  const atOnce = patched(SETUP_AT_ONCE);
  const { existing, total, hashes } = atOnce
    ? await prepareRollout(docker, setup)
    : await prepareRolloutStepByStep(docker, setup);
  const plan = planRollout(service, existing, total, input.parallelism, hashes);
  const edge = new EdgeUpstream(docker, edgeContainer, service, input.edge.targetPort, plan.live);
  if (!atOnce) await edge.sync();
  await Promise.all(plan.leftovers.filter((n) => n.endsWith('-next')).map((name) => docker.removeContainer({ name })));
  const originals = existing.filter((r) => r.name === replicaName(service, r.slot)).map((r) => r.slot);
  const rollout = new RolloutBatches(
    docker,
    edge,
    { ...batchSettings(input, spec), parallelism: input.parallelism },
    originals,
  );
  if (atOnce) await rollout.syncEdge();
  Object.assign(status, { total, batches: plan.batches.length, done: plan.skip.length, failures: rollout.failures });

  const deadline = input.deadline === undefined ? Infinity : Date.now() + input.deadline;
  const canaryAfter =
    input.pauseAfter && input.pauseAfter.batches < plan.batches.length ? input.pauseAfter.batches : undefined;
  const toUpdate = plan.batches.flat().length;
  let reason: string | undefined;
  let approval: ApprovalDecision | undefined;
  let retry: number[] = [];
  for (let i = 0; !reason;) {
    reason =
      control.rollbackRequest ??
      (Date.now() > deadline ? `the deadline of ${input.deadline! / 1000}s passed` : undefined);
    if (reason) break;
    const slots = retry.length > 0 ? retry : plan.batches[i];
    const regular = retry.length === 0 && slots !== undefined;
    retry = [];
    if (slots) {
      Object.assign(status, { currentBatch: i + 1, currentSlots: slots });
      phase(
        'updating',
        `batch ${i + 1}/${plan.batches.length}: ${slots.map((s) => replicaName(service, s)).join(', ')} → ${spec.image} (${input.order})`,
      );
      // The next batch leaves the edge in this batch's join reload, when nothing comes in between.
      const followsAtOnce = regular && i + 1 !== canaryAfter && input.delay === 0;
      await rollout.run(slots, followsAtOnce ? plan.batches[i + 1] : []);
      if (regular) i++;
    }
    const atCanary = regular && i === canaryAfter;
    // The last (or the canary's) monitor windows must pass.
    if (!slots) await rollout.finish();
    else if (atCanary) await rollout.settle();
    status.done = plan.skip.length + rollout.updated.length;
    if (
      rollout.failingSlots.length > 0 &&
      failureLimitExceeded(rollout.failingSlots.length, toUpdate, input.maxFailureRatio)
    ) {
      const why = `${rollout.failingSlots.map((s) => replicaName(service, s)).join(', ')} failed: ${rollout.failures.at(-1)?.reason ?? ''}`;
      if (input.failureAction === 'rollback') reason = why;
      if (input.failureAction === 'pause') {
        phase(
          'paused',
          `${why}\n\nSignal \`resume\` to retry the failed replicas and go on, or \`rollback\` to put every changed replica back: {"by": "<you>", "comment": "<why>"}`,
          'resume or rollback',
        );
        if ((await control.pause()) === 'rollback') reason = control.rollbackRequest;
        else retry = rollout.failingSlots;
        continue;
      }
    }
    if (!slots) break;
    if (atCanary && !reason) {
      phase(
        'awaiting-approval',
        `canary: ${rollout.updated.join(', ')} run ${spec.image}. Signal \`approve\` to roll the rest or \`reject\` to roll back: {"by": "<you>", "comment": "<why>"}`,
        'approve or reject',
      );
      approval = await gate.wait();
      if (approval.outcome !== 'approved')
        reason = `canary ${approval.outcome}${approval.by ? ` by ${approval.by}` : ''}${approval.comment ? `: ${approval.comment}` : ''}`;
    }
    if (!reason && input.delay > 0 && i < plan.batches.length) await sleep(input.delay);
  }

  const result = (outcome: RollingUpdateResult['outcome'], removed: string[] = []): RollingUpdateResult => ({
    service,
    image: spec.image,
    outcome,
    updated: rollout.updated,
    skipped: plan.skip.map((s) => replicaName(service, s)),
    removed,
    rolledBack: rollout.rolledBack,
    failures: rollout.failures,
    reason,
    approval,
    edge: edgeContainer,
    spec,
    finishedAt: new Date().toISOString(),
  });
  if (reason) {
    phase('rolling-back', reason);
    await rollout.rollback();
    phase('rolled-back', reason);
    await condition(allHandlersFinished);
    throw ApplicationFailure.create({
      type: DeployErrorType.RolledBack,
      message: `rolled back ${service}: ${reason}`,
      nonRetryable: true,
      details: [result('rolled-back')],
    });
  }
  phase('finishing', `scaling to ${total}, removing the replaced replicas kept for rollback`);
  const removed = plan.scaleDown.map((s) => replicaName(service, s));
  await edge.leave(removed);
  await edge.flushNames();
  await Promise.all(removed.map((name) => docker.stopContainer({ name }).then(() => docker.removeContainer({ name }))));
  await rollout.discardPrevious();
  await Promise.all(plan.leftovers.map((name) => docker.removeContainer({ name })));
  phase('done', `${total} replicas of ${service} on ${spec.image}`);
  await condition(allHandlersFinished);
  return result(rollout.failingSlots.length > 0 ? 'updated-with-failures' : 'updated', removed);
}
