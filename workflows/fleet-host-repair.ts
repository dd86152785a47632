import { setCurrentDetails } from '@temporalio/workflow';
import { DEFAULT_REPAIR_WAIT_MS, type FleetHostRepairInput, type FleetHostRepairResult } from '../common/fleet-repair';
import { hostAgent } from './lib/activity-options';
import { removeBehindEdge } from './lib/blue-green-steps';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Puts back one host a fleet deploy left while its agent did not answer: it waits (up to `waitMs`,
 * default a day) for the agent, then runs the same idempotent undos the deploy would have run — the
 * old color started and serving, the new color dropped from the edge and removed (after a first
 * deploy: the new color and the edge removed). What the agent had half done is finished or undone.
 */
export async function fleetHostRepair({ input, plan, waitMs }: FleetHostRepairInput): Promise<FleetHostRepairResult> {
  const { service, host, edge } = input;
  const docker = hostAgent(host, { agentReturnMs: waitMs ?? DEFAULT_REPAIR_WAIT_MS });
  tagWorkflow({ service, host });
  const { live, next } = plan;
  setCurrentDetails(
    `**Waiting on:** the host agent of \`${host}\` (it stopped answering during a fleet deploy of ${service}). ` +
      `Then: ${live ? `${live.name} serving again through ${edge.name}, ` : ''}${next.name} removed.`,
  );
  if (live) {
    await docker.startContainer({ name: live.name });
    await docker.waitHealthy({ name: live.name, timeoutMs: input.healthTimeoutMs });
    // The marker goes to the old color and the config drops the new one, in one edge change.
    await docker.configureEdgeColors({
      edge: edge.name,
      service,
      colors: [live.color],
      port: input.appPort,
      live: live.color,
    });
    await removeBehindEdge(docker, input, next.name);
  } else {
    await docker.removeContainer({ name: next.name, service });
    await docker.removeContainer({ name: edge.name, service });
  }
  setCurrentDetails(
    `\`${host}\` is back as before the deploy: ${live ? `${live.name} serves` : `nothing of ${service}`}.`,
  );
  return { host, service, ...(live ? { serving: live.name } : {}), removed: next.name };
}
