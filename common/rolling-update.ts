import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { ChangeOrigin } from './change-origin';
import { ApprovalPolicy, DEFAULT_APPROVAL, type ApprovalDecision } from './approval';
import { serviceName } from './ensure-service';
import { ContainerSpec, DOCKER_NAME, HealthcheckSpec, PortSpec } from './spec/container-spec';
import { durationMs } from './spec/schema-helpers';
import { Labels } from './labels';
import { needsUserNetwork } from './spec/network-mode';

/** The nginx edge in front of the replicas: `<service>-edge` on the replicas' network. */
const EdgeOptions = z.strictObject({
  /** Container name; default `<service>-edge`. */
  name: z.string().regex(DOCKER_NAME).optional(),
  image: z.string().min(1).default('dockhand-edge:1'),
  /** The port the replicas listen on. */
  targetPort: z.number().int().min(1).max(65535).default(8080),
  /** Ports the edge publishes on the host (its own port is 80). */
  ports: z.array(PortSpec).default([]),
  /** Overrides the edge image's own health check (e.g. a longer timeout on a loaded host). */
  healthcheck: HealthcheckSpec.optional(),
});

/** A canary step: after `batches` batches, wait for approve/reject (the blue-green signals). */
const PauseAfter = z.strictObject({
  batches: z.number().int().min(1).default(1),
  approval: ApprovalPolicy.default(DEFAULT_APPROVAL),
  /** Ask again after every `batches` batches (never after the last): `pauseEvery: 1` is an approval
   * before each batch after the first — Swarm's oldest open request (moby#31346). */
  repeat: z.boolean().optional(),
});

/** The replica activities that wait (launch, watch, restore) run up to 30 minutes per attempt
 * (the replicaWait profile, workflows/lib/activity-options.ts): a launch ahead waits for its predecessor's health and then its
 * own, a restore for health and then the monitor period, so each of the two may take at most 10
 * minutes — a longer one could never pass and would end as a failure (then a rollback). */
export const REPLICA_WAIT_START_TO_CLOSE_MS = 30 * 60_000;
const MAX_REPLICA_WAIT_MS = 10 * 60_000;
const replicaWait = durationMs.refine((ms) => ms <= MAX_REPLICA_WAIT_MS, {
  message: `at most ${MAX_REPLICA_WAIT_MS / 60_000} minutes (a replica activity runs at most ${REPLICA_WAIT_START_TO_CLOSE_MS / 60_000} minutes)`,
});

/** Swarm's update_config and Kubernetes' RollingUpdate in one place. */
export const RollingUpdateInput = z
  .strictObject({
    service: serviceName,
    /** The host agent to run on (its task queue is dockhand-host-<host>). */
    host: z.string().regex(DOCKER_NAME, 'not a host id'),
    /** The target spec of every replica; `network` must be a user-defined network (default `<service>-net`). */
    spec: ContainerSpec,
    /** Replica count after the run (scale up or down in the same run); default: as many as run now (at least 1). */
    replicas: z.number().int().min(1).max(100).optional(),
    /** Replicas updated at once. */
    parallelism: z.number().int().min(1).default(1),
    /** Pause between batches. */
    delay: durationMs.default(0),
    /** start-first: the new replica starts beside the old one (surge); stop-first: the old one goes first. */
    order: z.enum(['stop-first', 'start-first']).default('stop-first'),
    /** How long a new replica must stay healthy before its batch counts. */
    monitor: replicaWait.default(5_000),
    /** How long a new replica may take to become healthy. */
    healthTimeout: replicaWait.default(60_000),
    /** Fraction of replicas allowed to fail before failureAction applies (0: none). */
    maxFailureRatio: z.number().min(0).max(1).default(0),
    failureAction: z.enum(['rollback', 'pause', 'continue']).default('rollback'),
    pauseAfter: PauseAfter.optional(),
    /** Who may resume or roll back the rollout (common/answer-policy.ts); default: the canary's policy,
     * else anyone who may call the namespace except the requester (for resume). */
    approval: ApprovalPolicy.optional(),
    /** The whole rollout must finish within this; past it, the rollout rolls back (whatever failureAction says). */
    deadline: durationMs.optional(),
    edge: EdgeOptions.default({ image: 'dockhand-edge:1', targetPort: 8080, ports: [] }),
    /** Who asked, through what, from which service file (absent on runs started before it existed). */
    origin: ChangeOrigin.optional(),
    /** One host of a fleet rollout (workflows/fleet-rolling-update.ts): once every replica is rolled, tell
     * the parent and hold — replaced replicas kept — until it commits; a cancellation puts them back. */
    fleetHold: z.boolean().optional(),
    /** How long each call may wait for the host's agent to pick it up (a lost host fails, not hangs). */
    agentPickupMs: z.number().int().min(1000).optional(),
  })
  .superRefine((input, ctx) => {
    // The edge reaches replicas by name, which only a user-defined network resolves.
    if (input.spec.network !== undefined && !needsUserNetwork(input.spec.network)) {
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'network'],
        message: `a rolling update needs a user-defined network (the edge finds replicas by name), not "${input.spec.network}"`,
      });
    }
    if ((input.replicas ?? 2) > 1 && input.spec.ports.some((p) => p.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'ports'],
        message: 'replicas cannot share a fixed host port; publish through edge.ports instead',
      });
    } else if (input.order === 'start-first' && input.spec.ports.some((p) => p.host)) {
      // The new replica would start beside the old one, which holds the port: the Engine refuses it.
      ctx.addIssue({
        code: 'custom',
        path: ['order'],
        message:
          'start-first runs the new replica beside the old one, which holds its fixed host port; ' +
          'use stop-first, or publish through edge.ports instead',
      });
    }
  });
export type RollingUpdateInput = z.output<typeof RollingUpdateInput>;
export type RollingUpdateRequest = z.input<typeof RollingUpdateInput>;

/** One container of a replicated service, as a rollout plans with it (small: it goes to history). */
export interface ReplicaInfo {
  /** The container id (absent in histories recorded before it was listed). */
  id?: string;
  name: string;
  slot: number;
  specHash: string;
  image: string;
  running: boolean;
  /** Docker's health status; absent when the container has no health check. */
  health?: string;
}

export interface ReplicaFailure {
  slot: number;
  name: string;
  reason: string;
}

/** What the `status` query answers while the rollout runs. */
export interface RollingUpdateStatus {
  phase: string;
  /** Replicas on the target spec (updated or already there) out of the target count. */
  done: number;
  total: number;
  /** 1-based batch being worked on, out of `batches`; 0 before the first. */
  currentBatch: number;
  batches: number;
  currentSlots: number[];
  failures: ReplicaFailure[];
  paused: boolean;
  /** What the rollout waits for, and how to answer (empty when it waits for nothing). */
  waitingFor: string;
}

type RollingUpdateOutcome = 'updated' | 'updated-with-failures' | 'rolled-back';

export interface RollingUpdateResult {
  service: string;
  image: string;
  outcome: RollingUpdateOutcome;
  /** Replicas (container names) replaced or added on the target spec. */
  updated: string[];
  /** Replicas already on the target spec, left alone. */
  skipped: string[];
  /** Replicas removed by scaling down. */
  removed: string[];
  /** Replicas put back to their previous spec (or removed, when new), in the order it was done. */
  rolledBack: string[];
  failures: ReplicaFailure[];
  /** What an undo could not put back (a replica, the edge), with why: absent when everything is as
   * the outcome says. */
  left?: string[];
  /** Why it rolled back (failure, rejection, rollback signal, deadline). */
  reason?: string;
  approval?: ApprovalDecision;
  edge: string;
  /** The target spec (validated, network filled): live when `outcome` is not rolled-back, and what a
   * later deploy guard goes back to. */
  spec: ContainerSpec;
  /** When the rollout finished (ISO, workflow time). */
  finishedAt: string;
}

export const rollingUpdateStatusQuery = defineQuery<RollingUpdateStatus>('status');

/** Replica names: `<service>-<slot>`, and the two temporary names a slot's containers pass through. */
export const replicaName = (service: string, slot: number) => `${service}-${slot}`;
/** A start-first candidate, beside the running replica until the switch. */
export const candidateName = (service: string, slot: number) => `${service}-${slot}-next`;
/** The replaced replica, stopped and kept until the rollout ends, so rollback restarts exactly it. */
export const previousName = (service: string, slot: number) => `${service}-${slot}-prev`;
/** The network of the replicas and the edge: the spec's, else `<service>-net`. */
export const serviceNetwork = (service: string, spec: { network?: string }) => spec.network ?? `${service}-net`;
export const edgeName = (service: string, edge?: { name?: string }) => edge?.name ?? `${service}-edge`;
/** The Dockhand labels of the replica in `slot`: createContainer and planSpecHashes get the same ones,
 * so the planned hash is the hash the created container carries. */
export function replicaLabels(slot: number): Record<string, string> {
  return { [Labels.slot]: String(slot) };
}
