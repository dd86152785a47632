import { patched } from '@temporalio/workflow';
import {
  LAUNCH_AT_ONCE,
  LaunchContainersInput,
  type LaunchContainersRequest,
  type LaunchContainersResult,
} from '../common/launch-containers';
import { managedLabels } from '../common/labels';
import { needsUserNetwork } from '../common/spec/network-mode';
import { validate } from '../common/spec/validate';
import { hostAgent } from './lib/activity-options';
import { mapBounded } from './lib/bounded';
import { enterPhase } from './lib/progress';

/**
 * Creates, starts and waits healthy for a set of containers on one host, LAUNCH_AT_ONCE at a time. Every step is
 * an idempotent activity, so running it again with the same specs changes nothing; a container with
 * another spec under one of the names fails the run with a typed Conflict (nothing is replaced).
 */
export async function launchContainers(request: LaunchContainersRequest): Promise<LaunchContainersResult> {
  const { host, containers, healthTimeoutMs } = validate(LaunchContainersInput, request, 'input');
  const docker = hostAgent(host);

  enterPhase('preparing', `networks and images on host ${host}`);
  const networks = new Map(
    containers.filter((c) => needsUserNetwork(c.spec.network)).map((c) => [c.spec.network!, c.service]),
  );
  for (const [name, service] of networks) await docker.ensureNetwork({ name, labels: managedLabels(service) });
  // At most LAUNCH_AT_ONCE containers (and pulls) in flight: a host agent and its engine serve every
  // workflow, and hundreds of parallel creates and health waits starve them. Runs recorded before the
  // bound scheduled everything at once, and replay the same way.
  const atOnce = patched('launch-containers-bounded') ? LAUNCH_AT_ONCE : containers.length;
  await mapBounded([...new Set(containers.map((c) => c.spec.image))], atOnce, (image) => docker.ensureImage({ image }));

  enterPhase('launching', `${containers.length} containers on ${host}, waiting until each is healthy`);
  const launched = await mapBounded(containers, atOnce, async ({ name, service, spec }) => {
    const created = await docker.createContainer({ name, service, spec });
    await docker.startContainer({ name });
    const { health } = await docker.waitHealthy({ name, timeoutMs: healthTimeoutMs });
    return { name, id: created.id, specHash: created.specHash, created: created.created, health };
  });
  enterPhase('done', `${launched.length} containers healthy on ${host}`);
  return { host, containers: launched };
}
