import { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType, type ConflictDetails } from '../../common/errors';
import { managedLabels } from '../../common/labels';
import type { RollingUpdateInput } from '../../common/rolling-update';
import { activityFailureOf } from './failures';
import type { HostProxies } from './host-activities';

/** Makes sure the service's network, the target image and a healthy edge exist. An edge that already
 * runs for this service is kept as it is (it serves traffic); one that belongs to anyone else fails
 * the rollout with the typed Conflict before any replica changes. */
export async function prepareService(docker: HostProxies, service: string, network: string, image: string, edge: RollingUpdateInput['edge'], edgeName: string): Promise<void> {
  await Promise.all([docker.ensureNetwork({ name: network, labels: managedLabels(service) }), docker.ensureImage({ image }), docker.ensureImage({ image: edge.image })]);
  const spec = ContainerSpec.parse({ image: edge.image, network, ports: edge.ports, healthcheck: edge.healthcheck });
  try {
    await docker.createContainer({ name: edgeName, service, spec });
  } catch (err) {
    const details = activityFailureOf(err, ErrorType.Conflict)?.details?.[0] as ConflictDetails | undefined;
    if (details?.managedService !== service) throw err;
  }
  await docker.startContainer({ name: edgeName });
  await docker.waitHealthy({ name: edgeName, timeoutMs: 60_000 });
}
