import {
  LaunchContainersInput,
  type LaunchContainersRequest,
  type LaunchContainersResult,
} from '../common/launch-containers';
import { managedLabels } from '../common/labels';
import { needsUserNetwork } from '../common/spec/network-mode';
import { validate } from '../common/spec/validate';
import { hostAgent } from './lib/activity-options';
import { enterPhase } from './lib/progress';

/**
 * Creates, starts and waits healthy for a set of containers on one host, all at once. Every step is
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
  await Promise.all([...new Set(containers.map((c) => c.spec.image))].map((image) => docker.ensureImage({ image })));

  enterPhase('launching', `${containers.length} containers on ${host}, waiting until each is healthy`);
  const launched = await Promise.all(
    containers.map(async ({ name, service, spec }) => {
      const created = await docker.createContainer({ name, service, spec });
      await docker.startContainer({ name });
      const { health } = await docker.waitHealthy({ name, timeoutMs: healthTimeoutMs });
      return { name, id: created.id, specHash: created.specHash, created: created.created, health };
    }),
  );
  enterPhase('done', `${launched.length} containers healthy on ${host}`);
  return { host, containers: launched };
}
