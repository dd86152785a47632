import type { CanaryCheck } from '../../common/canary';
import { canaryTimings, type CanaryPhase, type CanaryStatus } from '../../common/canary-deploy';
import { DeployErrorType, failure } from '../../common/errors';
import type { HostProgress } from '../../common/fleet';
import { hostCanaryInput, type FleetCanaryInput, type FleetCanaryResult } from '../../common/fleet-canary';
import { bootBatches } from '../../common/fleet-plan';
import type { CanaryHost } from './canary-edges';
import { promoteCanary } from './canary-steps';
import { bootHost, drainHost } from './fleet-blue-green-steps';
import type { RollbackWindow } from './rollback-window';
import type { FleetRun, HostRun } from './fleet-run';
import type { Progress } from './progress';

// The fleet canary's parts around the step walker: each host's canary side, the per-host lines of
// the status, the all-or-none undo and the result.

/** One planned host as the edges see it: its stable color must be running (a canary needs one). */
export function canaryHostOf(r: HostRun, input: FleetCanaryInput): CanaryHost {
  const { live, next } = r.plan!;
  if (!live)
    throw failure(
      DeployErrorType.CheckFailed,
      `${input.service} runs no stable version on ${r.host}: deploy it there first`,
    );
  return { host: r.host, docker: r.docker, input: hostCanaryInput(input, r.host), live, next, saga: r.saga };
}

/** The canary beside stable on every host (edge, up, healthy, smoke-checked), at most `bootLimit`
 * hosts at once. */
export async function bootCanaries(
  input: FleetCanaryInput,
  fleet: FleetRun,
  progress: Progress<CanaryPhase, CanaryStatus>,
): Promise<void> {
  for (const batch of bootBatches(input.hosts, input.bootLimit)) {
    progress.enter('canary-up', `the canary (${input.spec.image}) beside stable on ${batch.join(', ')}`);
    await fleet.each(
      'canary-up',
      fleet.runs.filter((r) => batch.includes(r.host)),
      bootHost,
    );
  }
}

/** Every request on every host to the canary (each host's undo points its edge back at stable). */
export async function promoteEverywhere(fleet: FleetRun, canaries: CanaryHost[]): Promise<void> {
  await fleet.each('promote', fleet.runs, async (r) => {
    await promoteCanary(
      canaries.find((c) => c.host === r.host)!,
      r.saga,
    );
    return `${r.input.edge.name} serves ${r.plan!.next.name}`;
  });
}

/** The bake window (a `rollback` inside it points every edge back at stable), then every stable color
 * removed once its edge is done with it; a removal that fails is a warning. */
export async function bakeAndDrainFleet(
  input: FleetCanaryInput,
  fleet: FleetRun,
  progress: Progress<CanaryPhase, CanaryStatus>,
  rollback: RollbackWindow,
): Promise<string[]> {
  if (input.bakeMs > 0) {
    progress.enter(
      'promoting',
      `every host serves ${input.spec.image}; stable kept ${input.bakeMs / 1000}s. Roll back every host: \`dockhand rollback ${input.service}\``,
      `the bake window (${input.bakeMs / 1000}s) to end, or a \`rollback\``,
    );
    if (await rollback.wait(input.bakeMs)) {
      const r = rollback.requested!;
      throw failure(
        DeployErrorType.RolledBack,
        `every host rolled back by ${r.by}${r.comment ? `: ${r.comment}` : ''}`,
        r,
      );
    }
  }
  for (const r of fleet.runs) r.saga.commit();
  const warnings: string[] = [];
  progress.enter('draining', 'removing every stable color once its edge is done with it');
  await fleet.each('drain', fleet.runs, (r) => drainHost(r, warnings));
  return warnings;
}

/** A host moved on: its line in the status changes. */
export function showHost(progress: Progress<CanaryPhase, CanaryStatus>, p: HostProgress): void {
  const hosts = progress.status.hosts!;
  hosts[hosts.findIndex((h) => h.host === p.host)] = p;
}

export function fleetCanaryResult(
  input: FleetCanaryInput,
  fleet: FleetRun,
  canaries: CanaryHost[],
  o: {
    why: string;
    warnings: string[];
    digest?: string;
    checks: CanaryCheck[];
    timings: { startedAt: number; firstWeightAt?: number; promotedAt: number };
  },
): FleetCanaryResult {
  return {
    service: input.service,
    outcome: 'promoted',
    why: o.why,
    image: input.spec.image,
    ...(o.digest ? { digest: o.digest } : {}),
    policy: input.canary,
    checks: o.checks,
    hosts: canaries.map((c) => ({
      host: c.host,
      liveColor: c.next.color,
      liveContainer: c.next.name,
      previousColor: c.live.color,
      previousImage: c.live.image,
      edge: {
        name: input.edge.name,
        hostIp: input.edge.hostIp,
        hostPort: fleet.runs.find((r) => r.host === c.host)!.edgePort ?? 0,
      },
    })),
    ...(o.warnings.length ? { warnings: o.warnings } : {}),
    timings: canaryTimings({ ...o.timings, finishedAt: Date.now() }),
  };
}
