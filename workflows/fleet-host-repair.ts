import { setCurrentDetails } from '@temporalio/workflow';
import {
  DEFAULT_REPAIR_WAIT_MS,
  type BlueGreenHostRepair,
  type FleetHostRepairInput,
  type FleetHostRepairResult,
  type RollingHostRepair,
} from '../common/fleet-repair';
import { hostAgent } from './lib/activity-options';
import { removeBehindEdge } from './lib/blue-green-steps';
import { putRolloutBack } from './lib/rollout-restore';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Puts back one host a fleet change left while its agent did not answer: it waits (up to `waitMs`,
 * default a day) for the agent, then runs the same idempotent undos the change would have run. What
 * the agent had half done is finished or undone.
 */
export async function fleetHostRepair(request: FleetHostRepairInput): Promise<FleetHostRepairResult> {
  return 'rolling' in request ? repairRolling(request) : repairBlueGreen(request);
}

/** Blue-green: the old color started and serving, the new color dropped from the edge and removed
 * (after a first deploy: the new color and the edge removed). */
async function repairBlueGreen({ input, plan, waitMs }: BlueGreenHostRepair): Promise<FleetHostRepairResult> {
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

/** Rolling: every replica the host's rollout kept (-prev) back under its name and healthy, every -next
 * removed, the edge serving the replicas (workflows/lib/rollout-restore.ts). */
async function repairRolling({ rolling, waitMs }: RollingHostRepair): Promise<FleetHostRepairResult> {
  const { service, host } = rolling;
  const docker = hostAgent(host, { agentReturnMs: waitMs ?? DEFAULT_REPAIR_WAIT_MS });
  tagWorkflow({ service, host });
  setCurrentDetails(
    `**Waiting on:** the host agent of \`${host}\` (it stopped answering during a fleet rolling update of ${service}). ` +
      `Then: the replicas it kept back under their names, serving through the edge.`,
  );
  const serving = await putRolloutBack(docker, rolling);
  setCurrentDetails(`\`${host}\` is back as before the rollout: ${serving.join(', ') || 'no replica'} serve.`);
  return { host, service, serving: serving.join(', ') };
}
