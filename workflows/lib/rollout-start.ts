import { edgeName, replicaName, type ReplicaInfo, type RollingUpdateInput } from '../../common/rolling-update';
import type { ContainerSpec } from '../../common/spec/container-spec';
import type { HostAgent } from './activity-options';
import { batchSettings, BatchRunner } from './rollout-batch-runner';
import { EdgeUpstream } from './rollout-edge';
import { prepareRollout } from './rollout-edge-setup';
import { interruptedSlots, planRollout, type RolloutPlan } from './rollout-plan';
import { StartFirstPromoter } from './rollout-promoter';
import { restoreKept } from './rollout-restore';
import type { StepPlan } from './rollout-steps';
import { RolloutUndoLog } from './rollout-undo';

/** Everything a rollout works with once it is prepared. */
export interface Rollout {
  docker: Docker;
  plan: RolloutPlan;
  existing: ReplicaInfo[];
  edge: EdgeUpstream;
  undo: RolloutUndoLog;
  promoter: StartFirstPromoter;
  runner: BatchRunner;
  steps: StepPlan;
}

type Docker = HostAgent;

/** Network, images, edge and the replicas there are; an interrupted run's leftovers reconciled (its
 * -prev copies back before anything else, its -next ones removed once the edge no longer routes to
 * them); then the plan, and the edge synced to the replicas that serve. */
export async function startRollout(
  docker: Docker,
  input: RollingUpdateInput,
  spec: ContainerSpec,
  endOnHostLoss = false,
): Promise<Rollout> {
  const { service } = input;
  const setup = {
    service,
    network: spec.network!,
    spec,
    edge: input.edge,
    edgeName: edgeName(service, input.edge),
    replicas: input.replicas,
  };
  const prepared = await prepareRollout(docker, setup);
  const { total, hashes } = prepared;
  let existing = prepared.existing;
  const edgeOf = (replicas: ReplicaInfo[]) =>
    new EdgeUpstream(
      docker,
      setup.edgeName,
      service,
      input.edge.targetPort,
      planRollout(service, replicas, total, 1, hashes).live,
    );
  const interrupted = interruptedSlots(service, existing, hashes);
  if (interrupted.length > 0) {
    await restoreKept(docker, edgeOf(existing), service, interrupted, input.healthTimeout, input.parallelism);
    existing = await docker.listReplicas({ service });
  }
  const plan = planRollout(service, existing, total, input.parallelism, hashes);
  const edge = edgeOf(existing);
  const finals = existing.filter((r) => r.name === replicaName(service, r.slot));
  const undo = new RolloutUndoLog(
    docker,
    edge,
    { service, parallelism: input.parallelism, healthTimeoutMs: input.healthTimeout, monitorMs: input.monitor },
    new Map(finals.map((r) => [r.slot, r.id!])),
  );
  const promoter = new StartFirstPromoter();
  const runner = new BatchRunner(
    docker,
    edge,
    { ...batchSettings(input, spec), ...(endOnHostLoss ? { endOnHostLoss } : {}) },
    undo,
    promoter,
  );
  const candidates = existing.filter((r) => plan.leftovers.includes(r.name) && r.name.endsWith('-next'));
  if (candidates.length > 0) {
    // An interrupted start-first swap may have left the edge routing to a -next: sync, then remove.
    await edge.sync();
    await Promise.all(candidates.map((r) => docker.removeReplica({ name: r.name, id: r.id, service, slot: r.slot })));
  } else await runner.syncEdge();
  const canaryAfter =
    input.pauseAfter && input.pauseAfter.batches < plan.batches.length ? input.pauseAfter.batches : undefined;
  const steps: StepPlan = {
    service,
    batches: plan.batches,
    toUpdate: plan.batches.flat().length,
    canaryAfter,
    ...(input.pauseAfter?.repeat && canaryAfter ? { gateEvery: canaryAfter } : {}),
    delayMs: input.delay,
    deadlineAt: input.deadline === undefined ? Infinity : Date.now() + input.deadline,
    deadlineMs: input.deadline,
    maxFailureRatio: input.maxFailureRatio,
    failureAction: input.failureAction,
  };
  return { docker, plan, existing, edge, undo, promoter, runner, steps };
}
