import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { HostChange } from '../../common/fleet-plan';
import {
  bringUpNewColor,
  holdOldColor,
  planDeploy,
  prepareEdge,
  drainOldColor,
  smokeCheck,
  switchEdge,
} from './blue-green-steps';
import type { HostRun } from './fleet-run';
import { messageOf } from './saga';

// One host's part of a fleet blue-green deploy: the single-host steps (blue-green-steps.ts) on that
// host's agent and saga. Each returns the line the Web UI shows for the host once the step is done.

/** Which color is live on the host and which one comes up. */
export async function planHost(run: HostRun): Promise<string> {
  const { plan, edge } = await planDeploy(run.docker, run.input);
  Object.assign(run, { plan, edgeState: edge });
  return `${plan.live ? `${plan.live.name} (${plan.live.image}) serves` : 'first deploy'}; ${plan.next.name} comes up`;
}

/** Edge, new color up and healthy, and the smoke check when the service has one. */
export async function bootHost(run: HostRun): Promise<string> {
  const { docker, input, saga } = run;
  const plan = run.plan!;
  run.edgePort = await prepareEdge(docker, input, run.edgeState!, saga, run.imageReady);
  await bringUpNewColor(docker, input, plan, saga);
  if (input.smoke) await smokeCheck(docker, input, plan.next.name);
  return `${plan.next.name} (${input.spec.image}) healthy${input.smoke ? ', smoke check passed' : ''}, not yet serving`;
}

/** The edge serves the new color (verified through it). */
export async function switchHost(run: HostRun): Promise<string> {
  await switchEdge(run.docker, run.input, run.plan!, run.saga);
  return `${run.input.edge.name} serves ${run.plan!.next.name}`;
}

/** The old color during the bake (running, or stopped as the service says). */
export async function holdHost(run: HostRun): Promise<string> {
  const live = run.plan!.live;
  if (live) await holdOldColor(run.docker, run.input, live.name, run.saga);
  return live ? `${live.name} kept ${run.input.oldColorDuringBake} for the bake` : 'first deploy: nothing to keep';
}

/** Removes the old color once the edge is done with it. The new color is final by now: a removal
 * that fails is a warning, and a cancellation cannot stop it half-way. */
export async function drainHost(run: HostRun, warnings: string[]): Promise<string> {
  const live = run.plan!.live;
  if (!live) return `${run.plan!.next.name} serves`;
  await CancellationScope.nonCancellable(() =>
    drainOldColor(run.docker, run.input, live.name, run.plan!.next.color).catch((err) => {
      if (isCancellation(err)) throw err;
      warnings.push(`host ${run.host}: ${live.name} (${live.image}) was not removed: ${messageOf(err)}`);
    }),
  );
  return `${run.plan!.next.name} serves; ${live.name} removed`;
}

/** What changes on each host, for the one approval. */
export function hostChanges(runs: HostRun[]): HostChange[] {
  return runs.map((r) => ({
    host: r.host,
    ...(r.plan!.live ? { from: { name: r.plan!.live.name, image: r.plan!.live.image } } : {}),
    to: { name: r.plan!.next.name, image: r.input.spec.image },
  }));
}
