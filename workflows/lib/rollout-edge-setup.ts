import { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType, type ConflictDetails } from '../../common/errors';
import { managedLabels } from '../../common/labels';
import type { ReplicaInfo, RollingUpdateInput } from '../../common/rolling-update';
import { activityFailureOf } from './failures';
import type { HostAgent } from './activity-options';
import { targetCount } from './rollout-plan';

export interface RolloutSetup {
  service: string;
  network: string;
  spec: ContainerSpec;
  edge: RollingUpdateInput['edge'];
  edgeName: string;
  /** The replica count asked for (default: as many as run now). */
  replicas?: number;
}

/** What a rollout starts from: the replicas there are, how many there will be, and each slot's target
 * spec hash. */
export interface RolloutStart {
  existing: ReplicaInfo[];
  total: number;
  hashes: Record<number, string>;
}

const EDGE_HEALTHY_WITHIN_MS = 60_000;

/** Makes sure the service's network, the target image and a healthy edge exist, and reads what runs,
 * in two rounds of activities side by side: network, images and the replica list; then the edge and
 * the target spec hashes. An edge that already runs for this service is kept as it is (it serves
 * traffic); one that belongs to anyone else fails the rollout with the typed Conflict before any
 * replica changes. */
export async function prepareRollout(docker: HostAgent, s: RolloutSetup): Promise<RolloutStart> {
  const [existing] = await Promise.all([
    docker.listReplicas({ service: s.service }),
    docker.ensureNetwork({ name: s.network, labels: managedLabels(s.service) }),
    docker.ensureImage({ image: s.spec.image }),
    docker.ensureImage({ image: s.edge.image }),
  ]);
  const total = targetCount(s.service, existing, s.replicas);
  const [, hashes] = await Promise.all([
    docker.ensureEdgeContainer({
      name: s.edgeName,
      service: s.service,
      spec: edgeSpec(s),
      timeoutMs: EDGE_HEALTHY_WITHIN_MS,
    }),
    docker.planSpecHashes({ service: s.service, spec: s.spec, slots: slotsUpTo(total) }),
  ]);
  return { existing, total, hashes };
}

/** prepareRollout as runs started before it existed did it, one step after another (their histories
 * must replay). */
export async function prepareRolloutStepByStep(docker: HostAgent, s: RolloutSetup): Promise<RolloutStart> {
  const [, existing] = await Promise.all([prepareService(docker, s), docker.listReplicas({ service: s.service })]);
  const total = targetCount(s.service, existing, s.replicas);
  const hashes = await docker.planSpecHashes({ service: s.service, spec: s.spec, slots: slotsUpTo(total) });
  return { existing, total, hashes };
}

async function prepareService(docker: HostAgent, s: RolloutSetup): Promise<void> {
  await Promise.all([
    docker.ensureNetwork({ name: s.network, labels: managedLabels(s.service) }),
    docker.ensureImage({ image: s.spec.image }),
    docker.ensureImage({ image: s.edge.image }),
  ]);
  try {
    await docker.createContainer({ name: s.edgeName, service: s.service, spec: edgeSpec(s) });
  } catch (err) {
    const details = activityFailureOf(err, ErrorType.Conflict)?.details?.[0] as ConflictDetails | undefined;
    if (details?.managedService !== s.service) throw err;
  }
  await docker.startContainer({ name: s.edgeName });
  await docker.waitHealthy({ name: s.edgeName, timeoutMs: EDGE_HEALTHY_WITHIN_MS, checkNow: true });
}

const edgeSpec = (s: RolloutSetup) =>
  ContainerSpec.parse({
    image: s.edge.image,
    network: s.network,
    ports: s.edge.ports,
    healthcheck: s.edge.healthcheck,
  });
const slotsUpTo = (total: number) => Array.from({ length: total }, (_, i) => i + 1);
