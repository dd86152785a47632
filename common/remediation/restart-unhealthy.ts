import { z } from 'zod';
import { durationMs } from '../spec/schema-helpers';
import { policyProblem, type AnswerPolicy } from '../answer-policy';
import { ApproverKeys } from '../answer-signature';
import { carriedCount, containerRemediationInput } from './container-remediation';

/** Budget and escalation of the restart-unhealthy remediation. */
export const RestartPolicy = z
  .strictObject({
    /** At most this many restarts of one container per window… */
    maxRestarts: z.number().int().min(0).max(100).default(3),
    windowMs: durationMs.default(10 * 60_000),
    /** …the n-th restart in a window waits backoffMs·2^(n-1) first (the first one none). */
    backoffMs: durationMs.default(1_000),
    /** Unhealthy for less than this is tolerated: the workflow waits this long and looks again. */
    graceMs: durationMs.default(0),
    /** Seconds the engine waits for a graceful stop before it kills (busybox httpd as PID 1 ignores SIGTERM). */
    stopTimeoutS: z.number().int().min(0).max(300).default(5),
    /** After the budget: stop the container, disconnect it from its networks, or only notify. */
    quarantine: z.enum(['stop', 'disconnect', 'none']).default('stop'),
    /** The workflow ends after this long without an unhealthy event. */
    idleMs: durationMs.default(10 * 60_000),
    /** Events handled in one run before it continues as new (sooner when Temporal suggests it): a slowly
     * flapping container must not grow one history to Temporal's limit (review M9). */
    eventsPerRun: z.number().int().min(1).max(10_000).default(500),
    /** A quarantine ends by itself after this long (the container stays as the quarantine left it); no
     * expiry when absent: it waits for a person's release. */
    quarantineExpiryMs: durationMs.optional(),
    /** Who may release a quarantine (the identity Temporal records, common/answer-policy.ts); empty:
     * anyone who may call the namespace. */
    releaseApprovers: z.array(z.string().min(1)).default([]),
    /** Approver name → Ed25519 public key: a release signed by that key is that person's (docs/security.md). */
    releaseKeys: ApproverKeys.optional(),
    /** Only a signed release counts (`dockhand remediate <c> release --key <file>`). */
    releaseRequireSignatures: z.boolean().optional(),
  })
  .superRefine((p, ctx) => {
    const problem = policyProblem(releasePolicy(p));
    if (problem) ctx.addIssue({ code: 'custom', path: ['releaseKeys'], message: problem });
  });
export type RestartPolicy = z.output<typeof RestartPolicy>;

export const RestartUnhealthyInput = containerRemediationInput(RestartPolicy, {
  /** Carried to the next run: the restarts still inside the window, and how many there were in all. */
  restartsAt: z.array(z.number()).max(100),
  restarts: carriedCount,
}).extend({
  /** Started by a host's restart desk (its budget spent there): tell that desk when this ends, so the
   * container's next event opens a new incident there. */
  desk: z.string().min(1).optional(),
});
export type RestartUnhealthyInput = z.output<typeof RestartUnhealthyInput>;
export type RestartUnhealthyRequest = z.input<typeof RestartUnhealthyInput>;

export interface RestartUnhealthyResult {
  container: string;
  restarts: number;
  /** Set when the budget ran out. */
  quarantined?: 'stop' | 'disconnect' | 'none';
  released?: { by: string; reason: string };
  /** Set when the quarantine ended by its expiry, without a release. */
  expired?: boolean;
}

/** The restarts a run hands to the next one: only those the window still counts. */
export function restartsStillCounted(restartsAt: number[], now: number, windowMs: number): number[] {
  return restartsAt.filter((t) => now - t < windowMs);
}

export type RestartDecision =
  { action: 'restart'; delayMs: number } | { action: 'quarantine'; restartsInWindow: number };

/** What to do about an unhealthy container, given when it was restarted before: restart (after a
 * backoff) while the window's budget lasts, else quarantine. */
export function planRestart(
  previousRestartsAt: number[],
  now: number,
  policy: Pick<RestartPolicy, 'maxRestarts' | 'windowMs' | 'backoffMs'>,
): RestartDecision {
  const inWindow = previousRestartsAt.filter((t) => now - t < policy.windowMs).length;
  if (inWindow >= policy.maxRestarts) return { action: 'quarantine', restartsInWindow: inWindow };
  return { action: 'restart', delayMs: inWindow === 0 ? 0 : policy.backoffMs * 2 ** (inWindow - 1) };
}

/** Whether an unhealthy report still deserves action: a container in its start period, or one that is
 * no longer unhealthy, is left alone. */
export function stillUnhealthy(
  h: { health?: string; running: boolean; startedAtMs: number; startPeriodMs: number } | null,
  now: number,
): boolean {
  if (!h || !h.running || h.health !== 'unhealthy') return false;
  return now - h.startedAtMs >= h.startPeriodMs;
}

/** Who may release a quarantine, in the one answer policy's terms (common/answer-policy.ts). */
export function releasePolicy(
  p: Pick<RestartPolicy, 'releaseApprovers' | 'releaseKeys' | 'releaseRequireSignatures'>,
): AnswerPolicy {
  return {
    approvers: p.releaseApprovers ?? [],
    ...(p.releaseKeys ? { keys: p.releaseKeys } : {}),
    ...(p.releaseRequireSignatures ? { requireSignatures: true } : {}),
  };
}
