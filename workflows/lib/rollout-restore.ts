import { edgeName, replicaName, type ReplicaInfo } from '../../common/rolling-update';
import type { HostAgent } from './activity-options';
import { EdgeUpstream } from './rollout-edge';
import { interruptedSlots, planRollout } from './rollout-plan';

/**
 * Puts back the replicas an unfinished rollout kept as -prev (`kept`: their listing): the half-updated
 * replicas under the slots' names leave the edge first, then each original comes back under its name,
 * running and healthy (restoreReplica, by id: twice is the same end state). Shared by a rollout that
 * finds an interrupted run's leftovers and by the repair of a fleet host whose agent stopped answering.
 */
export async function restoreKept(
  docker: HostAgent,
  edge: EdgeUpstream,
  service: string,
  kept: ReplicaInfo[],
  healthTimeoutMs: number,
): Promise<void> {
  await edge.leave(kept.map((r) => replicaName(service, r.slot)));
  await Promise.all(
    kept.map((r) =>
      docker.restoreReplica({
        id: r.id!,
        name: replicaName(service, r.slot),
        service,
        slot: r.slot,
        healthTimeoutMs,
        monitorMs: 0,
      }),
    ),
  );
}

/** What the repair of a rolling fleet's host needs: the service's replicas and their edge. */
export interface RolloutHostBack {
  service: string;
  edge: { name?: string; targetPort: number };
  healthTimeoutMs: number;
}

/**
 * A host back as before a rollout that stopped half-way (its agent stopped answering): every kept
 * original (-prev) back under its name, every start-first candidate (-next) removed, the edge serving
 * the replicas under their names. Only what rollouts leave is touched; slots the rollout had finished
 * without keeping an original (new slots of a scale-up) stay as they are. Returns the replicas that serve.
 */
export async function putRolloutBack(docker: HostAgent, b: RolloutHostBack): Promise<string[]> {
  const { service } = b;
  const edgeOf = (replicas: ReplicaInfo[]) =>
    new EdgeUpstream(
      docker,
      edgeName(service, b.edge),
      service,
      b.edge.targetPort,
      planRollout(service, replicas, 1, 1, {}).live,
    );
  let existing = await docker.listReplicas({ service });
  // No target: every slot with a kept original counts as interrupted.
  const kept = interruptedSlots(service, existing, {});
  if (kept.length > 0) {
    await restoreKept(docker, edgeOf(existing), service, kept, b.healthTimeoutMs);
    existing = await docker.listReplicas({ service });
  }
  const edge = edgeOf(existing);
  // The edge names only the replicas under their own names before any -next goes.
  await edge.sync();
  const candidates = existing.filter((r) => r.name !== replicaName(service, r.slot));
  await Promise.all(candidates.map((r) => docker.removeReplica({ name: r.name, id: r.id, service, slot: r.slot })));
  return edge.members;
}
