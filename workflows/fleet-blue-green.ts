import { patched, workflowInfo } from '@temporalio/workflow';
import type { ApprovalDecision } from '../common/approval';
import { DeployErrorType, failure } from '../common/errors';
import {
  FleetBlueGreenInput,
  hostDeployInput,
  type FleetBlueGreenRequest,
  type FleetBlueGreenResult,
} from '../common/fleet-blue-green';
import { bootBatches, fleetApprovalDetails } from '../common/fleet-plan';
import { validate } from '../common/spec/validate';
import { ApprovalGate } from './lib/approval-gate';
import { askApproval } from './lib/ask-approval';
import { bootHost, drainHost, holdHost, hostChanges, planHost, switchHost } from './lib/fleet-blue-green-steps';
import { FleetProgress } from './lib/fleet-progress';
import { pullAndPlanEverywhere, pullEverywhere } from './lib/fleet-pull';
import { FleetRun, undoEveryHost } from './lib/fleet-run';
import { RollbackWindow } from './lib/rollback-window';

/** Runs started since pull the image and read each host's plan in one round on every host, and the
 * boot does not ensure the image again (older runs: resolve, pinned pulls, plan, one after the other). */
const PULL_WITH_PLAN = 'fleet-pull-with-plan';

/** Runs started since probe every host's agent while the fleet waits for the approval and during the
 * bake, and act on a host lost meanwhile at once (older runs noticed it only at the next step). */
const PROBE_WHILE_WAITING = 'fleet-probe-agents-while-waiting';

/** What a failed fleet blue-green deploy says (see undoEveryHost); `final`: past the bake window. */
const FAILURE_TEXTS = {
  undoing: 'switching every host back and removing every new color',
  asBefore: 'Every host that answers is as before this deploy.',
  final: 'The new color is live everywhere; old colors may be left (see the hosts).',
};

/**
 * Fleet blue-green deploy — the single-host runbook on every host of the service, all or none: the
 * image on every host (the same digest), the new color up on every host (at most `bootLimit` hosts at
 * once) and smoke-checked, ONE approval for the fleet, every edge switched, the bake, the drain. A
 * failure on any host before the bake ends (or a rejection, timeout, rollback, cancellation) switches
 * every host back and removes every new color, then fails naming the host and the cause.
 */
export async function fleetBlueGreenDeploy(request: FleetBlueGreenRequest): Promise<FleetBlueGreenResult> {
  const input = validate(FleetBlueGreenInput, request, 'input');
  const { service, spec } = input;
  const progress = new FleetProgress(input);
  const fleet = new FleetRun(
    input.hosts,
    (h) => hostDeployInput(input, h),
    input.hostLoss,
    (p) => progress.host(p.host, p.step, p.details),
  );
  const requesters = input.origin ? [input.origin.requestedBy] : [];
  const gate = new ApprovalGate(input.approval, { subject: service, requesters });
  const rollback = new RollbackWindow(input.approval, service);
  const t0 = Date.now();
  let final = false;
  try {
    await pullAndPlan(input, fleet, progress);
    progress.status.newColors = Object.fromEntries(fleet.active.map((r) => [r.host, r.plan!.next.color]));
    await bootFleet(input, fleet, progress);
    const greenUpMs = Date.now() - t0;
    const approval = await approve(input, fleet, progress, gate);
    const approvedAt = Date.now();
    progress.enter('switching', `every edge to the new color (${fleet.active.length} hosts)`);
    await fleet.each('switch', fleet.active, switchHost);
    const switchMs = Date.now() - approvedAt;
    await bake(input, fleet, progress, rollback);
    for (const r of fleet.runs) r.saga.commit(); // past the window the new color is final everywhere
    final = true;
    const warnings: string[] = [];
    progress.enter('draining', 'removing every old color once its edge is done with it');
    await fleet.each('drain', fleet.active, (r) => drainHost(r, warnings));
    progress.enter(
      'done',
      `${fleet.active.length} hosts serve ${spec.image}${warnings.length ? '; with warnings' : ''}`,
    );
    const timings = { totalMs: Date.now() - t0, greenUpMs, approvalMs: approvedAt - t0 - greenUpMs, switchMs };
    return fleetResult(input, fleet, approval, warnings, timings, progress.status.digest);
  } catch (err) {
    throw await undoEveryHost(fleet, progress, err, FAILURE_TEXTS, final);
  }
}

/** The image onto every host first, one digest, and which color is live on each (see fleet-pull.ts). */
async function pullAndPlan(input: FleetBlueGreenInput, fleet: FleetRun, progress: FleetProgress): Promise<void> {
  const image = input.spec.image;
  if (patched(PULL_WITH_PLAN)) {
    progress.enter(
      'pulling',
      `${image} onto ${input.hosts.length} hosts (one digest) and which color of ${input.service} is live on each`,
    );
    progress.status.digest = await pullAndPlanEverywhere(image, fleet);
    return;
  }
  progress.enter(
    'pulling',
    `${image} onto ${input.hosts.length} hosts: the first resolves its digest, the rest pull it`,
  );
  progress.status.digest = await pullEverywhere(image, fleet);
  progress.enter('planning', `which color of ${input.service} is live on each host`);
  await fleet.each('plan', fleet.active, planHost);
}

/** The new color up (and smoke-checked) on every host, at most `bootLimit` hosts at once. */
async function bootFleet(input: FleetBlueGreenInput, fleet: FleetRun, progress: FleetProgress): Promise<void> {
  for (const batch of bootBatches(
    fleet.active.map((r) => r.host),
    input.bootLimit,
  )) {
    progress.enter(
      'green-up',
      `new color with ${input.spec.image} on ${batch.join(', ')} (boot limit ${input.bootLimit})`,
    );
    await fleet.each(
      'green-up',
      fleet.active.filter((r) => batch.includes(r.host)),
      bootHost,
    );
  }
}

/** The one approval for every host: the details list what changes on each. */
function approve(input: FleetBlueGreenInput, fleet: FleetRun, progress: FleetProgress, gate: ApprovalGate) {
  return askApproval(gate, progress, {
    policy: input.approval,
    details: (timeoutAt) =>
      fleetApprovalDetails({
        service: input.service,
        workflowId: workflowInfo().workflowId,
        changes: hostChanges(fleet.active),
        timeoutAt,
        approvers: input.approval.approvers,
      }),
    ifNot: 'the deploy is rejected and every host rolled back',
    onTimeout: 'rejected by default',
    seen: (decision) => (progress.status.approval = decision),
    whileWaiting: (answer) =>
      patched(PROBE_WHILE_WAITING) ? fleet.probing('approval', answer, input.approval.timeoutMs) : answer,
  });
}

/** Old colors held on every host, then the rollback window: a `rollback` switches every host back. */
async function bake(input: FleetBlueGreenInput, fleet: FleetRun, progress: FleetProgress, rollback: RollbackWindow) {
  if (!fleet.active.some((r) => r.plan?.live)) return; // a first deploy has nothing to go back to
  progress.enter(
    'baking',
    `every host serves ${input.spec.image}; old colors kept ${input.oldColorDuringBake} for ${input.bakeMs / 1000}s. Roll back every host: signal \`rollback\` {"comment": "<why>"} — or \`dockhand rollback ${input.service}\``,
    `the bake window (${input.bakeMs / 1000}s) to end, or a \`rollback\` signal`,
  );
  rollback.openAsBakeBegins(input.bakeMs);
  await fleet.each('hold', fleet.active, holdHost);
  const window = rollback.wait(input.bakeMs);
  const probed = input.bakeMs > 0 && patched(PROBE_WHILE_WAITING);
  if (await (probed ? fleet.probing('bake', window, input.bakeMs) : window)) {
    const r = rollback.requested!;
    throw failure(
      DeployErrorType.RolledBack,
      `every host rolled back by ${r.by}${r.comment ? `: ${r.comment}` : ''}`,
      r,
    );
  }
}

function fleetResult(
  input: FleetBlueGreenInput,
  fleet: FleetRun,
  approval: ApprovalDecision,
  warnings: string[],
  timings: FleetBlueGreenResult['timings'],
  digest?: string,
): FleetBlueGreenResult {
  return {
    service: input.service,
    image: input.spec.image,
    ...(digest ? { digest } : {}),
    hosts: fleet.active.map((r) => ({
      host: r.host,
      liveColor: r.plan!.next.color,
      liveContainer: r.plan!.next.name,
      ...(r.plan!.live ? { previousColor: r.plan!.live.color, previousImage: r.plan!.live.image } : {}),
      edge: { name: input.edge.name, hostIp: input.edge.hostIp, hostPort: r.edgePort ?? 0 },
    })),
    lost: fleet.lost,
    spec: input.spec,
    approval,
    finishedAt: new Date().toISOString(),
    ...(warnings.length ? { warnings } : {}),
    timings,
  };
}
