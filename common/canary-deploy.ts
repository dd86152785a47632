import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import type { ApprovalDecision } from './approval';
import { BlueGreenFields, withEdgeDefaults, type Color } from './blue-green';
import { CanaryPolicySchema, type CanaryCheck, type CanaryPolicy } from './canary';
import type { UndoFailure } from './errors';
import type { HostProgress } from './fleet';
import type { PhaseEntry } from './phase-status';

/** The canary deploy's input: a blue-green deploy's fields (the new version runs as the other color
 * beside the stable one, behind the same edge) and the parsed canary policy. */
export const CanaryInput = BlueGreenFields.extend({ canary: CanaryPolicySchema }).transform(withEdgeDefaults);
export type CanaryInput = z.output<typeof CanaryInput>;
export type CanaryRequest = z.input<typeof CanaryInput>;

export type CanaryPhase =
  | 'planning'
  | 'edge'
  | 'canary-up'
  | 'smoke'
  | 'weighting'
  | 'analysing'
  | 'awaiting-approval'
  | 'paused'
  | 'promoting'
  | 'draining'
  | 'done'
  | 'compensating'
  | 'failed';

/** Checks kept in the status (the history keeps every one: each is an activity result). */
export const MAX_STATUS_CHECKS = 30;

/** What the `status` query answers. */
export interface CanaryStatus {
  service: string;
  host: string;
  phase: CanaryPhase;
  details: string;
  newImage: string;
  stableColor?: Color;
  stableImage?: string;
  canaryColor?: Color;
  /** The step (index into the policy's steps) and the weight the edge carries now. */
  step: number;
  weight: number;
  startedAt: string;
  phases: Array<PhaseEntry<CanaryPhase>>;
  /** The latest checks, newest last (at most MAX_STATUS_CHECKS). */
  checks: CanaryCheck[];
  approvals: ApprovalDecision[];
  failure?: string;
  undoFailures?: UndoFailure[];
  warnings?: string[];
  /** A canary on several hosts (fleetCanaryDeploy): every host's step. */
  hosts?: HostProgress[];
}

export const canaryStatusQuery = defineQuery<CanaryStatus>('status');

export interface CanaryResult {
  service: string;
  host: string;
  outcome: 'promoted';
  /** Why it was promoted: every step passed, or who promoted it. */
  why: string;
  liveColor: Color;
  liveContainer: string;
  image: string;
  previousColor: Color;
  previousImage: string;
  policy: CanaryPolicy;
  checks: CanaryCheck[];
  edge: { name: string; hostIp: string; hostPort: number };
  warnings?: string[];
  timings: {
    totalMs: number;
    /** The canary's first weight on the edge → every request on the new version. */
    canaryMs: number;
    firstWeightAt?: string;
    promotedAt: string;
  };
}

/** The moments of a canary, in epoch ms: start, its first weight on the edge (none when it was promoted
 * before any), the promotion, the end. */
export interface CanaryMoments {
  startedAt: number;
  firstWeightAt?: number;
  promotedAt: number;
  finishedAt: number;
}

/** The result's `timings` from the moments of a canary (one host's or a fleet's). Pure. */
export function canaryTimings(m: CanaryMoments): CanaryResult['timings'] {
  return {
    totalMs: m.finishedAt - m.startedAt,
    canaryMs: m.promotedAt - (m.firstWeightAt ?? m.promotedAt),
    ...(m.firstWeightAt ? { firstWeightAt: new Date(m.firstWeightAt).toISOString() } : {}),
    promotedAt: new Date(m.promotedAt).toISOString(),
  };
}
