import { ApplicationFailure, CancellationScope, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { ApprovalDecision } from '../common/approval';
import { FleetErrorType, type HostFailure } from '../common/fleet';
import {
  FleetRollingInput,
  hostLossOf,
  hostRolloutRequest,
  type FleetRollingRequest,
  type FleetRollingResult,
} from '../common/fleet-rolling';
import { approvalAfterWave, fleetRollingApprovalDetails, hostWaves } from '../common/fleet-rolling-plan';
import { approvalWaitsOn } from '../common/phase-details';
import { RollingUpdateInput } from '../common/rolling-update';
import { validate } from '../common/spec/validate';
import { hostAgent } from './lib/activity-options';
import { requireApproved } from './lib/answers';
import { ApprovalGate } from './lib/approval-gate';
import { FleetRollingProgress } from './lib/fleet-rolling-progress';
import { fleetHostFailed, isHostLoss } from './lib/host-loss';
import { HostRollouts } from './lib/host-rollouts';
import { ImagePins } from './lib/image-pins';
import { messageOf } from './lib/saga';

/**
 * Fleet rolling update — the single-host rolling update on every host of the service, all or none: the
 * image on every host (the same digest), then waves of at most `maxHostsAtOnce` hosts, each host's
 * replicas rolled by its own `rollingUpdate` child (health-gated, `parallelism` at once) which then holds
 * its replaced replicas; ONE approval after the first wave when the service asks; then every host
 * commits. A failure on any host before the commit (or a rejection, a timeout, a cancellation) cancels
 * every host's rollout, each puts its replicas back, and the fleet fails naming the host and the cause.
 */
export async function fleetRollingUpdate(request: FleetRollingRequest): Promise<FleetRollingResult> {
  const input = validate(FleetRollingInput, request, 'input');
  // Each host's rollout checks its own input too; checked here first, before any host changes.
  for (const host of input.hosts) validate(RollingUpdateInput, hostRolloutRequest(input, host), 'input');
  const { service, spec } = input;
  const progress = new FleetRollingProgress(input, {});
  const rollouts = new HostRollouts(input, progress);
  const requesters = input.origin ? [input.origin.requestedBy] : [];
  const gate = new ApprovalGate(input.approval, { subject: service, requesters, service });
  let approval: ApprovalDecision | undefined;
  try {
    const digest = await pullEverywhere(input, progress, rollouts);
    const waves = hostWaves(input.hosts, input.maxHostsAtOnce);
    for (const [i, wave] of waves.entries()) {
      progress.enter(
        'rolling',
        `wave ${i + 1}/${waves.length}: ${wave.join(', ')} roll their replicas to ${spec.image} (${input.parallelism} at once on each host; ${waves.length > 1 ? 'the next wave starts once these hold' : 'every host at once'})`,
      );
      await rollouts.roll(wave);
      if (approvalAfterWave(input.approval.required) === i + 1)
        approval = await approve(input, progress, gate, rollouts, waves.slice(0, i + 1).flat());
    }
    progress.enter('committing', `every host rolled; each removes the replicas it replaced`);
    const hosts = await rollouts.commit();
    const lost = rollouts.lost;
    progress.enter('done', `${hosts.length} hosts run ${spec.image}${lost.length ? `; ${lostLine(lost)}` : ''}`);
    const finishedAt = new Date().toISOString();
    return { service, image: spec.image, digest, hosts, lost, approval, spec: hosts[0]!.result.spec, finishedAt };
  } catch (err) {
    throw await CancellationScope.nonCancellable(() => rollBackFleet(rollouts, progress, err));
  }
}

/** Runs started since decide a host lost while the image is pulled as any host loss (policy continue
 * goes on without it; the next host resolves the digest); older runs rolled back on any pull failure. */
const PULL_HOST_LOSS = 'fleet-rolling-pull-host-loss';

/** The image onto every host before any host changes: the first host that answers resolves its digest,
 * the others pull that digest side by side; a host that cannot pull fails the fleet with the registry's
 * answer, and one that stopped answering is decided by the host-loss policy (nothing changed on it). */
async function pullEverywhere(
  input: FleetRollingInput,
  progress: FleetRollingProgress,
  rollouts: HostRollouts,
): Promise<string | undefined> {
  const { image } = input.spec;
  progress.enter(
    'pulling',
    `${image} onto ${input.hosts.length} hosts: the first resolves its digest, the rest pull it`,
  );
  const pins = new ImagePins();
  const pull = async (host: string) => {
    const r = await pins.ensure(hostAgent(host, { agentPickupMs: hostLossOf(input).timeout }), image);
    progress.host(host, 'pulled', `has ${r.digest ?? r.id}`);
  };
  const failureOf = (host: string, err: unknown) => ({ host, cause: messageOf(err), lost: isHostLoss(err) });
  const [first, ...rest] = input.hosts;
  if (!patched(PULL_HOST_LOSS)) {
    const failFast = (host: string) =>
      pull(host).catch((err) => {
        const f = failureOf(host, err);
        throw fleetHostFailed(`host ${host}: ${f.cause}`, [f]);
      });
    await failFast(first!);
    await Promise.all(rest.map(failFast));
    return (progress.status.digest = pins.of(image));
  }
  const hosts = [...input.hosts];
  for (let host = hosts.shift(); host; host = hosts.shift())
    try {
      await pull(host);
      break;
    } catch (err) {
      rollouts.leaveBehind([failureOf(host, err)]);
    }
  const settled = await Promise.allSettled(hosts.map(pull));
  const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [failureOf(hosts[i]!, s.reason)] : []));
  if (failures.length) rollouts.leaveBehind(failures);
  return (progress.status.digest = pins.of(image));
}

/** The one approval for the fleet, raced against a failure on any host (a host failing meanwhile
 * rolls the fleet back without waiting for the answer). */
async function approve(
  input: FleetRollingInput,
  progress: FleetRollingProgress,
  gate: ApprovalGate,
  rollouts: HostRollouts,
  rolled: string[],
): Promise<ApprovalDecision> {
  const timeoutAt = new Date(Date.now() + input.approval.timeoutMs).toISOString();
  const text = fleetRollingApprovalDetails({
    service: input.service,
    image: input.spec.image,
    workflowId: workflowInfo().workflowId,
    rolled,
    toGo: input.hosts.filter((h) => !rolled.includes(h)),
    timeoutAt,
    approvers: input.approval.approvers,
  });
  progress.enter(
    'awaiting-approval',
    text,
    approvalWaitsOn(timeoutAt, 'the rollout is rejected and every host rolled back'),
  );
  const answer = gate.wait();
  let decision: ApprovalDecision | undefined;
  // A host lost meanwhile under policy continue: still waiting for the answer.
  do decision = await Promise.race([answer, rollouts.whenFailed().then(() => undefined)]);
  while (await rollouts.decide());
  progress.status.approval = decision;
  requireApproved(decision!, { timeoutMs: input.approval.timeoutMs, onTimeout: 'rejected by default' });
  return decision!;
}

const lostLine = (lost: HostFailure[]) =>
  `left behind (not answering, each with a repair): ${lost.map((l) => l.host).join(', ')}`;

/** Every host's rollout cancelled and put back; the failure says why, and what is not as before. */
async function rollBackFleet(rollouts: HostRollouts, progress: FleetRollingProgress, err: unknown): Promise<unknown> {
  const why = isCancellation(err) ? 'the fleet rollout was cancelled' : messageOf(err);
  progress.status.failure = why;
  progress.enter('rolling-back', `every host puts its replicas back because: ${why}`);
  const notBack = await rollouts.rollBack();
  if (notBack.length === 0) {
    const lost = progress.status.hosts.filter((h) => h.step === 'lost').map((h) => h.host);
    const answering = lost.length ? ` that answers (${lost.join(', ')}: repaired when its agent returns)` : '';
    progress.enter('failed', `${why}. Every host${answering} is as before this rollout.`);
    return err;
  }
  progress.enter('failed', `${why}. NOT as before: ${notBack.join('; ')}`);
  return ApplicationFailure.create({
    type: FleetErrorType.HostFailed,
    message: `${why}; NOT as before: ${notBack.join('; ')}`,
    nonRetryable: true,
    details: [{ failures: rollouts.failures, hosts: progress.status.hosts }],
  });
}
