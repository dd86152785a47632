import { z } from 'zod';
import { serviceName } from '../ensure-service';
import { ContainerSpec, DOCKER_NAME, imageRef } from '../spec/container-spec';
import { durationMs } from '../spec/schema-helpers';

/**
 * The service file (`dockhand.yml`): the hosts Dockhand drives and, per service, everything a change
 * of it needs. It is what CI, the CLI, the deploy guard and schedules resolve a service from; the
 * resolved service (not the file) is the workflow's input, so a run replays on what it started with.
 * Durations are "30s"/"5m" strings or milliseconds, as everywhere else.
 */

const hostId = z.string().regex(DOCKER_NAME, 'not a host id (letters, digits, "_", "." and "-")');
const approverName = z.string().min(1).max(200);

/** Who must approve a change of the service, and how long they have (nobody answering rejects). */
export const ServiceApproval = z.strictObject({
  required: z.boolean().optional(),
  timeout: durationMs.optional(),
  /** Identities whose answers count (as Temporal records them, see docs/security.md); empty or absent:
   * anyone who may call the namespace. */
  approvers: z.array(approverName).optional(),
  /** Distinct approvers a change needs (2: the two-person rule). Default 1. */
  requiredApprovals: z.number().int().min(1).max(10).optional(),
  /** Whether whoever started the change may approve it. Default false. */
  allowSelfApproval: z.boolean().optional(),
  /** System identities that may roll back or reject (never approve), e.g. ["deploy-guard"]. */
  systemIdentities: z.array(approverName).optional(),
});

/** The nginx edge in front of the service on each host. */
export const ServiceEdge = z.strictObject({
  image: z.string().min(1).optional(),
  /** Host port the edge publishes; 0 picks a free one (blue-green reports it). */
  port: z.number().int().min(0).max(65535).optional(),
  hostIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});

/** Options of the rolling strategy (Swarm's update_config). */
export const RollingOptions = z.strictObject({
  /** Replica count after a deploy; default: as many as run now (at least 1). */
  replicas: z.number().int().min(1).max(100).optional(),
  parallelism: z.number().int().min(1).optional(),
  order: z.enum(['stop-first', 'start-first']).optional(),
  delay: durationMs.optional(),
  monitor: durationMs.optional(),
  maxFailureRatio: z.number().min(0).max(1).optional(),
  failureAction: z.enum(['rollback', 'pause', 'continue']).optional(),
  /** Pause for approval after this many batches (a canary). */
  canaryBatches: z.number().int().min(1).optional(),
  deadline: durationMs.optional(),
});

/** A GET on the new version before the approval (blue-green: on the new color's address). */
export const SmokeCheck = z.strictObject({
  path: z.string().startsWith('/', 'must start with "/"'),
  expectStatus: z.number().int().min(100).max(599).optional(),
});

/** The deploy guard: an unhealthy container within `window` after a deploy rolls the service back. */
export const GuardSettings = z.strictObject({
  window: durationMs.optional(),
  approval: ServiceApproval.optional(),
});

export const STRATEGIES = ['blue-green', 'rolling'] as const;
export type ServiceStrategy = (typeof STRATEGIES)[number];

/** Settings a service may take from `defaults:` (everything except what names the service itself). */
const Shared = {
  strategy: z.enum(STRATEGIES).optional(),
  /** The port the app listens on inside its container (the edge's upstream). */
  port: z.number().int().min(1).max(65535).optional(),
  edge: ServiceEdge.optional(),
  rolling: RollingOptions.optional(),
  approval: ServiceApproval.optional(),
  /** Blue-green: rollback window after the switch. */
  bake: durationMs.optional(),
  /** Blue-green: the old color during the bake, running (instant rollback) or stopped. */
  oldColor: z.enum(['running', 'stopped']).optional(),
  /** How long a new container may take to become healthy. */
  healthTimeout: durationMs.optional(),
  smoke: SmokeCheck.optional(),
  /** Blue-green: what the edge must answer (2xx) right after the switch. */
  verifyPath: z.string().startsWith('/', 'must start with "/"').optional(),
  guard: GuardSettings.optional(),
  /** How long a CI request waits for a running change of the service before it fails. */
  queueTimeout: durationMs.optional(),
};

/** The container every instance of the service runs, as `docker run` would (everything but the image). */
export const ServiceContainer = ContainerSpec.omit({ image: true });

export const ServiceDecl = z.strictObject({
  /** The image deployed when a request names none (CI names one). */
  image: imageRef,
  /** Host ids (host agents' DOCKHAND_HOST_ID) the service runs on; default: the file's only host. */
  hosts: z.array(hostId).min(1).optional(),
  container: ServiceContainer.optional(),
  ...Shared,
});
export type ServiceDecl = z.output<typeof ServiceDecl>;

export const HostDecl = z.strictObject({
  /** Free text for people (what and where the host is). */
  description: z.string().max(500).optional(),
});

export const ServiceFile = z
  .strictObject({
    version: z.literal(1).optional(),
    /** Host ids → host. A host id is what its host agent runs with (DOCKHAND_HOST_ID). */
    hosts: z.record(hostId, HostDecl.nullable()).refine((h) => Object.keys(h).length > 0, 'declare at least one host'),
    /** Settings every service takes unless it says otherwise (objects merge field by field). */
    defaults: z.strictObject(Shared).optional(),
    services: z.record(serviceName, ServiceDecl),
  })
  .superRefine((file, ctx) => {
    const declared = Object.keys(file.hosts);
    for (const [name, s] of Object.entries(file.services)) {
      (s.hosts ?? []).forEach((h, i) => {
        if (!declared.includes(h))
          ctx.addIssue({
            code: 'custom',
            path: ['services', name, 'hosts', i],
            message: `"${h}" is not a host of this file (hosts: ${declared.join(', ')})`,
          });
      });
      if (!s.hosts && declared.length > 1)
        ctx.addIssue({
          code: 'custom',
          path: ['services', name],
          message: `say which hosts it runs on (hosts: [${declared.join(', ')}]): the file declares several`,
        });
      const strategy = s.strategy ?? file.defaults?.strategy ?? 'blue-green';
      if (s.rolling && strategy !== 'rolling')
        ctx.addIssue({
          code: 'custom',
          path: ['services', name, 'rolling'],
          message: `rolling options on a ${strategy} service (set strategy: rolling, or remove them)`,
        });
    }
  });
export type ServiceFileInput = z.input<typeof ServiceFile>;
export type ServiceFile = z.output<typeof ServiceFile>;
