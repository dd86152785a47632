import { patched } from '@temporalio/workflow';
import {
  FLEET_CANARY_HOST_LOSS,
  FleetCanaryInput,
  hostCanaryInput,
  type FleetCanaryRequest,
  type FleetCanaryResult,
} from '../common/fleet-canary';
import { validate } from '../common/spec/validate';
import { ApprovalGate } from './lib/approval-gate';
import { CanaryControl } from './lib/canary-control';
import { fleetEdges, type CanaryHost } from './lib/canary-edges';
import { canaryProgress } from './lib/canary-finish';
import { walkSteps } from './lib/canary-steps';
import { planHost } from './lib/fleet-blue-green-steps';
import {
  bakeAndDrainFleet,
  bootCanaries,
  canaryHostOf,
  fleetCanaryResult,
  promoteEverywhere,
  showHost,
} from './lib/fleet-canary-steps';
import { pullAndPlanEverywhere, pullEverywhere } from './lib/fleet-pull';
import { FleetRun, undoEveryHost } from './lib/fleet-run';
import { RollbackWindow } from './lib/rollback-window';
import { tagWorkflow } from './lib/workflow-tags';

/** Runs started since pull the image and read each host's plan in one round on every host, and the
 * canaries' boot does not ensure the image again (older runs: resolve, pinned pulls, plan, one after
 * the other, and an ensure at the boot). */
const PULL_WITH_PLAN = 'fleet-canary-pull-with-plan';

/** What a failed fleet canary says (see undoEveryHost). */
const FAILURE_TEXTS = {
  undoing: 'putting every host back on stable and removing every canary',
  asBefore: 'Every host is as before this canary: stable serves every request.',
};

/**
 * Canary deploy on every host of a service — the single-host canary's runbook with the same weights on
 * every host's edge at once: the image (one digest) and the canary beside stable on every host, each
 * step's weight on every edge, every edge's log judged on its own (the window fails when one host's
 * does), then all requests to the canary everywhere. All or none: an abort (a failing window on any
 * host, a person's `abort`, a host that fails) sets weight 0 on every edge and removes every canary.
 */
export async function fleetCanaryDeploy(request: FleetCanaryRequest): Promise<FleetCanaryResult> {
  const input = validate(FleetCanaryInput, request, 'input');
  const { service, spec, hosts } = input;
  const progress = canaryProgress({ service, host: hosts.join(','), newImage: spec.image });
  progress.status.hosts = hosts.map((host) => ({ host, step: 'waiting', details: '' }));
  const fleet = new FleetRun(
    hosts,
    (h) => hostCanaryInput(input, h),
    FLEET_CANARY_HOST_LOSS,
    (p) => showHost(progress, p),
  );
  const requesters = input.origin ? [input.origin.requestedBy] : [];
  const control = new CanaryControl(input.approval, service, requesters);
  const gate = new ApprovalGate({ ...input.approval, required: true }, { subject: service, requesters });
  const rollback = new RollbackWindow(input.approval, service);
  const startedAt = Date.now();
  tagWorkflow({ service, host: hosts.join(','), image: spec.image });
  try {
    progress.enter('planning', `${spec.image} onto ${hosts.length} hosts (one digest); which color is stable on each`);
    const digest = await pullAndPlan(spec.image, fleet);
    const canaries: CanaryHost[] = fleet.runs.map((r) => canaryHostOf(r, input));
    await bootCanaries(input, fleet, progress);
    const edges = fleetEdges(canaries);
    const { why, firstWeightAt } = await walkSteps({ edges, input, control, gate, progress });
    progress.enter('promoting', `${why}: every request on every host to the canary (${spec.image})`);
    await promoteEverywhere(fleet, canaries);
    const promotedAt = Date.now();
    progress.status.weight = 100;
    const warnings = await bakeAndDrainFleet(input, fleet, progress, rollback);
    progress.enter('done', `${hosts.length} hosts serve ${spec.image} (${why})`);
    const timings = { startedAt, firstWeightAt, promotedAt };
    return fleetCanaryResult(input, fleet, canaries, {
      why,
      warnings,
      digest,
      checks: progress.status.checks,
      timings,
    });
  } catch (err) {
    throw await undoEveryHost(fleet, progress, err, FAILURE_TEXTS);
  }
}

/** The image onto every host (one digest) and which color is stable on each (see fleet-pull.ts). The
 * canary reads the same from either path: each run's plan (`live`, `next`) and edge state (planHost). */
async function pullAndPlan(image: string, fleet: FleetRun): Promise<string | undefined> {
  if (patched(PULL_WITH_PLAN)) return pullAndPlanEverywhere(image, fleet);
  const digest = await pullEverywhere(image, fleet);
  await fleet.each('plan', fleet.runs, planHost);
  return digest;
}
