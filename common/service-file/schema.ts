import { z } from 'zod';
import { BootLimit } from '../fleet';
import { serviceName } from '../ensure-service';
import { ContainerSpec, DOCKER_NAME, imageRef } from '../spec/container-spec';
import { durationMs } from '../spec/schema-helpers';
import { CanarySettings } from '../canary';
import { PUBLIC_KEY_TEXT } from '../answer-signature';

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
  required: z
    .boolean()
    .optional()
    .describe('a person approves before the switch (rolling: after the canary batches); default true'),
  timeout: durationMs.optional().describe('how long to wait for an answer; nobody answering rejects (default 30m)'),
  approvers: z
    .array(approverName)
    .optional()
    .describe(
      'identities whose answers count, as Temporal records them (docs/security.md); empty or absent: anyone who may call the namespace',
    ),
  requiredApprovals: z
    .number()
    .int()
    .min(1)
    .max(10)
    .optional()
    .describe('distinct approvers a change needs (2: the two-person rule); default 1'),
  allowSelfApproval: z
    .boolean()
    .optional()
    .describe('whether whoever started the change may approve it; default false'),
  allowUnidentified: z
    .boolean()
    .optional()
    .describe(
      'whether an answer with no recorded identity counts (a Web UI without login, e.g. the local dev server); only without approvers; default false',
    ),
  systemIdentities: z
    .array(approverName)
    .optional()
    .describe('system identities that may roll back or reject (never approve), e.g. ["deploy-guard"]'),
  keys: z
    .record(
      approverName,
      z.string().regex(PUBLIC_KEY_TEXT, 'not an "ssh-ed25519 AAAA…" line or a PEM PUBLIC KEY block'),
    )
    .optional()
    .describe("approver → Ed25519 public key; an answer signed with it (dockhand approve --key) is that approver's"),
  requireSignatures: z
    .boolean()
    .optional()
    .describe('only signed answers count (listed system identities may still roll back or reject); default false'),
  allowSkip: z
    .boolean()
    .optional()
    .describe(
      'with requireSignatures: whether one run may skip the approval (dockhand deploy --no-approval); default false',
    ),
});

/** The nginx edge in front of the service on each host. */
const ServiceEdge = z.strictObject({
  image: z.string().min(1).optional().describe('the nginx edge image (default dockhand-edge:1)'),
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('host port the edge publishes; 0 picks a free one (blue-green reports it)'),
  hostIp: z
    .union([z.ipv4(), z.ipv6()])
    .optional()
    .describe('host address the edge port is published on (blue-green default 127.0.0.1)'),
});

/** Options of the rolling strategy (Swarm's update_config). */
const RollingOptions = z.strictObject({
  replicas: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('replica count after a deploy; default: as many as run now (at least 1)'),
  parallelism: z.number().int().min(1).optional().describe('replicas per batch (default 1)'),
  order: z
    .enum(['stop-first', 'start-first'])
    .optional()
    .describe('start-first starts the new replica beside the old one (default stop-first)'),
  delay: durationMs.optional().describe('pause between batches (default 0)'),
  monitor: durationMs
    .optional()
    .describe('how long a new replica must stay healthy before its batch counts (default 5s)'),
  maxFailureRatio: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('failed replicas / replicas to update allowed before failureAction (default 0)'),
  failureAction: z.enum(['rollback', 'pause', 'continue']).optional().describe('default rollback'),
  canaryBatches: z.number().int().min(1).optional().describe('pause for approval after this many batches (a canary)'),
  pauseEvery: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('pause for approval after every this many batches (1: before each batch after the first)'),
  deadline: durationMs.optional().describe('the whole run must finish within it, or it rolls back'),
  maxHostsAtOnce: BootLimit.optional().describe(
    'several hosts: how many hosts roll at once, a number or a percentage ("50%"); default 1',
  ),
});

/** A GET on the new version before the approval (blue-green: on the new color's address). */
const SmokeCheck = z.strictObject({
  path: z.string().startsWith('/', 'must start with "/"').describe('GET this path on the new version'),
  expectStatus: z.number().int().min(100).max(599).optional().describe('the status it must answer (default 200)'),
});

/** The deploy guard: an unhealthy container within `window` after a deploy rolls the service back. */
const GuardSettings = z.strictObject({
  window: durationMs.optional().describe('how long after a deploy an unhealthy container rolls it back (default 10m)'),
  approval: ServiceApproval.optional().describe("the guard's rollback: who approves (default: required, 30m)"),
});

export const STRATEGIES = ['blue-green', 'rolling', 'canary'] as const;
export type ServiceStrategy = (typeof STRATEGIES)[number];

/** Settings a service may take from `defaults:` (everything except what names the service itself). */
const Shared = {
  strategy: z.enum(STRATEGIES).optional().describe('how a deploy replaces the running version (default blue-green)'),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe("the port the app listens on inside its container, the edge's upstream (default 80)"),
  edge: ServiceEdge.optional().describe('the nginx edge in front of the service on each host'),
  rolling: RollingOptions.optional().describe("options of the rolling strategy (Swarm's update_config)"),
  canary: CanarySettings.optional().describe(
    'the canary strategy: weighted steps at the edge, each window judged from the edge access log',
  ),
  approval: ServiceApproval.optional().describe('who must approve a change of the service, and how long they have'),
  bake: durationMs.optional().describe('blue-green: rollback window after the switch (default 5m)'),
  oldColor: z
    .enum(['running', 'stopped'])
    .optional()
    .describe('blue-green: the old color during the bake, running (instant rollback) or stopped (default running)'),
  healthTimeout: durationMs.optional().describe('how long a new container may take to become healthy (default 60s)'),
  smoke: SmokeCheck.optional().describe('a GET on the new version before the approval'),
  verifyPath: z
    .string()
    .startsWith('/', 'must start with "/"')
    .optional()
    .describe('blue-green: what the edge must answer (2xx) right after the switch (default /)'),
  guard: GuardSettings.optional().describe(
    'the deploy guard: an unhealthy container soon after a deploy rolls it back',
  ),
  queueTimeout: durationMs
    .optional()
    .describe('how long a CI request waits for a running change of the service before it fails (default 30m)'),
  boot: z
    .strictObject({
      limit: BootLimit.optional().describe(
        'hosts at once: a number, or a percentage of the hosts ("50%"); default all',
      ),
    })
    .optional()
    .describe("blue-green on several hosts: how many hosts bring up the new version at once (Kamal's boot.limit)"),
  hostLoss: z
    .strictObject({
      timeout: durationMs
        .optional()
        .describe(
          'how long work waits on a host for its agent to pick it up before the host counts as lost (default 60s, at most 1h)',
        ),
      policy: z
        .enum(['rollback', 'continue'])
        .optional()
        .describe('a lost host rolls the whole change back (default), or the change continues without it'),
      minHosts: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('continue: at least this many hosts must finish the change'),
    })
    .optional()
    .describe('several hosts: what a host whose agent stops answering mid-change means'),
};

/** The container every instance of the service runs, as `docker run` would (everything but the image). */
const ServiceContainer = ContainerSpec.omit({ image: true }).describe(
  'the container every instance runs, as `docker run` would say it (everything but the image)',
);

export const ServiceDecl = z.strictObject({
  image: imageRef.describe('the image deployed when a request names none (CI names one)'),
  hosts: z
    .array(hostId)
    .min(1)
    .optional()
    .describe("host ids (host agents' DOCKHAND_HOST_ID) the service runs on; default: the file's only host"),
  container: ServiceContainer.optional(),
  ...Shared,
});
export type ServiceDecl = z.output<typeof ServiceDecl>;

const HostDecl = z.strictObject({
  description: z.string().max(500).optional().describe('free text for people (what and where the host is)'),
});

export const ServiceFile = z
  .strictObject({
    version: z.literal(1).optional().describe('the file format (1)'),
    hosts: z
      .record(hostId, HostDecl.nullable())
      .refine((h) => Object.keys(h).length > 0, 'declare at least one host')
      .describe('host ids → host; a host id is what its host agent runs with (DOCKHAND_HOST_ID)'),
    defaults: z
      .strictObject(Shared)
      .optional()
      .describe('settings every service takes unless it says otherwise (objects merge field by field)'),
    services: z.record(serviceName, ServiceDecl).describe('service names → what a change of each needs'),
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
      if (s.rolling?.pauseEvery !== undefined && s.rolling.canaryBatches !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['services', name, 'rolling', 'pauseEvery'],
          message: 'set pauseEvery or canaryBatches, not both (pauseEvery asks after every that many batches)',
        });
      if (s.canary && strategy !== 'canary')
        ctx.addIssue({
          code: 'custom',
          path: ['services', name, 'canary'],
          message: `canary options on a ${strategy} service (set strategy: canary, or remove them)`,
        });
      if (strategy === 'canary' && !(s.canary ?? file.defaults?.canary))
        ctx.addIssue({
          code: 'custom',
          path: ['services', name, 'canary'],
          message:
            'strategy canary needs a canary block with its steps, e.g. {steps: [{weight: 10, pause: 60s}, {weight: 100}]}',
        });
    }
  });
export type ServiceFileInput = z.input<typeof ServiceFile>;
export type ServiceFile = z.output<typeof ServiceFile>;
