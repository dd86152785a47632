import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { ChangeOrigin } from './change-origin';
import { ApprovalPolicy, DEFAULT_APPROVAL, type ApprovalDecision } from './approval';
import type { UndoFailure } from './errors';
import { serviceName } from './ensure-service';
import { ContainerSpec, DOCKER_NAME } from './spec/container-spec';
import { needsUserNetwork } from './spec/network-mode';
import { durationMs } from './spec/schema-helpers';
import type { PhaseEntry } from './phase-status';

export type Color = 'blue' | 'green';

/** The edge (nginx) container in front of the service: created on the first deploy, kept after. */
export const EdgeOptions = z.strictObject({
  /** Container name; default `<service>-edge`. */
  name: z.string().regex(DOCKER_NAME, 'not a container name').optional(),
  image: z.string().min(1).default('dockhand-edge:1'),
  /** Published host port of the edge's :80; 0 or absent picks a free one (see the result). */
  port: z.number().int().min(0).max(65535).default(0),
  hostIp: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
});

/** The fields of one host's blue-green deploy (the fleet deploy takes them all but `host`; the canary's
 * input shares them). */
export const BlueGreenFields = z.strictObject({
  service: serviceName,
  /** The host agent to run on (its task queue is dockhand-host-<host>). */
  host: z.string().regex(DOCKER_NAME, 'not a host id'),
  /** The new color's container spec. Its network (default `<service>-net`) must be user-defined:
   * the edge finds each color by its container name through Docker's DNS. */
  spec: ContainerSpec,
  /** The port the app listens on inside its container (the edge's upstream port). */
  appPort: z.number().int().min(1).max(65535).default(80),
  approval: ApprovalPolicy.default(DEFAULT_APPROVAL),
  /** How long the new color may take to become healthy. */
  healthTimeoutMs: durationMs.default(60_000),
  /** Optional check of the new color before the approval gate: GET path on its network address. */
  smoke: z
    .strictObject({
      path: z.string().startsWith('/', 'must start with "/"'),
      expectStatus: z.number().int().min(100).max(599).default(200),
    })
    .optional(),
  /** What the edge must answer (2xx) through the new color right after the switch. */
  verifyPath: z.string().startsWith('/', 'must start with "/"').default('/'),
  /** Rollback window after the switch; a `rollback` signal inside it switches back to the old color. */
  bakeMs: durationMs.default(5 * 60_000),
  /** The old color during the bake: running (instant rollback) or stopped-but-present (frees its
   * resources; a rollback starts it and waits for health before switching back). */
  oldColorDuringBake: z.enum(['running', 'stopped']).default('running'),
  edge: EdgeOptions.default({ image: 'dockhand-edge:1', port: 0, hostIp: '127.0.0.1' }),
  /** Who asked, through what, from which service file (absent on runs started before it existed). */
  origin: ChangeOrigin.optional(),
});

/** What the fields leave implicit: the network (`<service>-net`, which must be user-defined: the edge
 * reaches each color by name) and the edge's name (`<service>-edge`). */
export function withEdgeDefaults<
  I extends { service: string; spec: z.output<typeof ContainerSpec>; edge: z.output<typeof EdgeOptions> },
>(i: I, ctx: z.RefinementCtx) {
  const network = i.spec.network ?? `${i.service}-net`;
  if (!needsUserNetwork(network))
    ctx.addIssue({
      code: 'custom',
      path: ['spec', 'network'],
      message: `"${network}" is not a user-defined network; the edge reaches each color by name only on one`,
    });
  return { ...i, spec: { ...i.spec, network }, edge: { ...i.edge, name: i.edge.name ?? `${i.service}-edge` } };
}

export const BlueGreenInput = BlueGreenFields.transform(withEdgeDefaults);
export type BlueGreenInput = z.output<typeof BlueGreenInput>;
export type BlueGreenRequest = z.input<typeof BlueGreenInput>;

/** From the approval on, a single-host and a fleet blue-green deploy go through the same phases. */
export type SwitchPhase =
  'awaiting-approval' | 'switching' | 'baking' | 'draining' | 'done' | 'compensating' | 'failed';

export type BlueGreenPhase = 'planning' | 'edge' | 'green-up' | 'smoke' | SwitchPhase;

/** What the `status` query answers: where the deploy is, which colors and images, and when. */
export interface BlueGreenStatus {
  service: string;
  host: string;
  phase: BlueGreenPhase;
  /** The details text the Web UI shows for the phase (what waits, how to answer). */
  details: string;
  /** The color serving before this deploy (absent on a first deploy) and its image. */
  oldColor?: Color;
  oldImage?: string;
  newColor?: Color;
  newImage: string;
  startedAt: string;
  /** Phase entries in order, with ISO times and their details. */
  phases: Array<PhaseEntry<BlueGreenPhase>>;
  approval?: ApprovalDecision;
  /** When set, the deploy has failed (or been rolled back) and this is why. */
  failure?: string;
  /** Undos that failed while compensating: what is left of this deploy (never "as before" then). */
  undoFailures?: UndoFailure[];
  /** Clean-up after the new color went final that did not work (the deploy still succeeded). */
  warnings?: string[];
}

export const statusQuery = defineQuery<BlueGreenStatus>('status');

export interface BlueGreenResult extends DeployEnding {
  service: string;
  host: string;
  liveColor: Color;
  liveContainer: string;
  image: string;
  previousColor?: Color;
  previousImage?: string;
  edge: { name: string; hostIp: string; hostPort: number };
  /** The spec now live (validated): what a later deploy guard goes back to. */
  spec: ContainerSpec;
  timings: DeployTimings & {
    /** ISO times: the new color healthy; the switch begins (the marker is written); the edge confirmed
     * serving the new color. Between the last two, a request already in flight may still be answered
     * by the old color. */
    greenHealthyAt: string;
    switchStartedAt: string;
    switchedAt: string;
  };
}

/** How long a deploy's stages took (blue-green on one host: the new color's marker is set, then verified
 * — no nginx reload; fleet: every host). */
interface DeployTimings {
  totalMs: number;
  /** Start → the new color healthy (on every host, smoke-checked). */
  greenUpMs: number;
  /** The approval gate's wait. */
  approvalMs: number;
  /** Healthy and approved → the edge serves the new color (every edge). */
  switchMs: number;
}

/** How every blue-green deploy (one host or a fleet) ends: the approval it had, when it finished (ISO,
 * workflow time), and clean-up after the switch that did not work (e.g. an old color that could not be
 * removed: the deploy is live all the same; absent when there were none). */
export interface DeployEnding {
  approval: ApprovalDecision;
  finishedAt: string;
  warnings?: string[];
  timings: DeployTimings;
}
