import { patched } from '@temporalio/workflow';
import { EnsureServiceInput, type EnsureServiceRequest, type EnsureServiceResult } from '../common/ensure-service';
import { ErrorType, type ConflictDetails } from '../common/errors';
import { managedLabels } from '../common/labels';
import { validate } from '../common/spec/validate';
import { activityFailureOf } from './lib/failures';
import { hostAgent, type HostAgent } from './lib/activity-options';
import { enterPhase } from './lib/progress';
import { replaceStaged } from './lib/ensure-replace';
import { needsUserNetwork } from '../common/spec/network-mode';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Makes sure one container of a service runs a spec and is healthy — the runbook's
 * `docker network create; docker pull; docker run; until healthy; do sleep; done`, durable.
 * Running it again with the same spec changes nothing.
 */
export async function ensureService(request: EnsureServiceRequest): Promise<EnsureServiceResult> {
  const { service, host, spec, healthTimeoutMs } = validate(EnsureServiceInput, request, 'input');
  const docker = hostAgent(host);
  const name = service;
  tagWorkflow({ service, host, image: spec.image });

  enterPhase('preparing', `network and image ${spec.image} on host ${host}`);
  if (needsUserNetwork(spec.network))
    await docker.ensureNetwork({ name: spec.network!, labels: managedLabels(service) });
  await docker.ensureImage({ image: spec.image });

  enterPhase('creating', `container ${name}`);
  const { container, replaced, warnings } = await createOrReplace(docker, { name, service, spec }, healthTimeoutMs);
  await docker.startContainer({ name });

  enterPhase('waiting-healthy', `${name} to pass its health check (up to ${healthTimeoutMs / 1000}s)`);
  const { health } = await docker.waitHealthy({ name, timeoutMs: healthTimeoutMs });
  const view = await docker.inspectContainer({ name });

  enterPhase('done', `${name} is ${health}${warnings.length ? `; warning: ${warnings.join('; ')}` : ''}`);
  return {
    service,
    host,
    containerName: name,
    containerId: container.id,
    image: spec.image,
    specHash: container.specHash,
    reused: !container.created,
    replaced,
    health,
    ports: view.ports,
    ...(warnings.length ? { warnings } : {}),
  };
}

/** Creates the container, replacing this service's own container when its spec differs (staged
 * beside it, swapped after health: see replaceStaged); a container that belongs to anyone else is
 * never touched (the Conflict failure ends the workflow). */
async function createOrReplace(
  docker: HostAgent,
  input: Parameters<HostAgent['createContainer']>[0],
  healthTimeoutMs: number,
) {
  try {
    return { container: await docker.createContainer(input), replaced: false, warnings: [] };
  } catch (err) {
    const conflict = activityFailureOf(err, ErrorType.Conflict);
    const details = conflict?.details?.[0] as ConflictDetails | undefined;
    if (details?.managedService !== input.service) throw err;
    if (patched('ensure-staged-replace')) {
      enterPhase('replacing', `${input.name} runs another spec of ${input.service}: staging ${input.name}-next`);
      return { ...(await replaceStaged(docker, input, details.existingId, healthTimeoutMs)), replaced: true };
    }
    enterPhase('replacing', `${input.name} runs another spec of ${input.service}; replacing it`);
    await docker.removeContainer({ name: input.name });
    return { container: await docker.createContainer(input), replaced: true, warnings: [] };
  }
}
