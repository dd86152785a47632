import { patched } from '@temporalio/workflow';
import { edgeName, replicaName, type ReplicaInfo } from '../../common/rolling-update';
import type { HostAgent } from './activity-options';
import { EdgeUpstream } from './rollout-edge';
import { interruptedSlots, planRollout, restoreBatches } from './rollout-plan';

/** Runs started since restore the kept originals a batch at a time, so the edge keeps a serving replica
 * (before: every slot left the edge at once, and with all of them interrupted it kept routing to the
 * replicas being removed). */
const RESTORE_IN_BATCHES = 'rollout-restore-kept-in-batches';

/** Runs started since restore a batch that holds every replica the edge routes to (a one-replica
 * service) beside them, so the edge always has a healthy member (before: it answered 503 meanwhile). */
const RESTORE_BESIDE = 'rollout-restore-beside';

/**
 * Puts back the replicas an unfinished rollout kept as -prev (`kept`: their listing), `parallelism`
 * slots at a time and never every replica the edge routes to at once: a batch's half-updated replicas
 * (under the slots' names) leave the edge, each original comes back under its name, running and
 * healthy (restoreReplica, by id: twice is the same end state), and the batch joins again before the
 * next leaves. A batch that holds every replica the edge routes to (a one-replica service) comes back
 * beside them instead (restoreBeside), unless its originals cannot run beside them. Shared by a rollout that finds an interrupted run's leftovers and by the repair of a
 * fleet host whose agent stopped answering. `edge` is the caller's edge for this restore only.
 */
export async function restoreKept(
  docker: HostAgent,
  edge: EdgeUpstream,
  service: string,
  kept: ReplicaInfo[],
  healthTimeoutMs: number,
  parallelism: number,
): Promise<void> {
  const restore = (r: ReplicaInfo) =>
    docker.restoreReplica({
      id: r.id!,
      name: replicaName(service, r.slot),
      service,
      slot: r.slot,
      healthTimeoutMs,
      monitorMs: 0,
    });
  if (!patched(RESTORE_IN_BATCHES)) {
    await edge.leave(kept.map((r) => replicaName(service, r.slot)));
    await Promise.all(kept.map(restore));
    return;
  }
  // A batch that cannot come back beside the replicas it replaces leaves the edge with none: it answers
  // 503 rather than keep routing to the replica that restoreReplica removes.
  edge.allowEmpty = true;
  for (const batch of restoreBatches(kept, parallelism, edge.members.length)) {
    const names = batch.map((r) => replicaName(service, r.slot));
    const everyMember = edge.members.every((m) => names.includes(m));
    if (
      everyMember &&
      patched(RESTORE_BESIDE) &&
      (await restoreBeside(docker, edge, service, batch, restore, healthTimeoutMs))
    )
      continue;
    await edge.leave(names);
    await Promise.all(batch.map(restore));
    await edge.join(names);
  }
}

/**
 * A batch that holds every replica the edge routes to, restored without leaving the edge empty: each
 * original starts beside the replica under its slot's name (on the same network, under its kept name)
 * and becomes healthy; the edge moves to the originals in one reload; only then do the replicas under the
 * names go (restoreReplica: no longer routed) and the originals get their names back (same containers,
 * same addresses: the edge keeps serving them, and the next write names them). False, with nothing
 * changed on the edge, when an original cannot run beside (a fixed host port: startReplicaBeside).
 */
async function restoreBeside(
  docker: HostAgent,
  edge: EdgeUpstream,
  service: string,
  batch: ReplicaInfo[],
  restore: (r: ReplicaInfo) => Promise<unknown>,
  healthTimeoutMs: number,
): Promise<boolean> {
  const started = await Promise.all(
    batch.map((r) => docker.startReplicaBeside({ id: r.id!, name: r.name, healthTimeoutMs })),
  );
  if (started.some((s) => !s.started)) return false;
  const pairs = batch.map((r): [string, string] => [replicaName(service, r.slot), r.name]);
  await edge.swap(pairs);
  await Promise.all(batch.map(restore));
  for (const [name, keptAs] of pairs) edge.renamed(keptAs, name);
  await edge.flushNames();
  return true;
}

/** What the repair of a rolling fleet's host needs: the service's replicas and their edge. */
export interface RolloutHostBack {
  service: string;
  edge: { name?: string; targetPort: number };
  healthTimeoutMs: number;
  /** Slots restored at once (the rollout's parallelism); 1 when absent (repairs started before it was passed). */
  parallelism?: number;
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
    await restoreKept(docker, edgeOf(existing), service, kept, b.healthTimeoutMs, b.parallelism ?? 1);
    existing = await docker.listReplicas({ service });
  }
  const edge = edgeOf(existing);
  // The edge names only the replicas under their own names before any -next goes.
  await edge.sync();
  const candidates = existing.filter((r) => r.name !== replicaName(service, r.slot));
  await Promise.all(candidates.map((r) => docker.removeReplica({ name: r.name, id: r.id, service, slot: r.slot })));
  return edge.members;
}
