import { z } from 'zod';

/** A counter a run hands to the next when it continues as new. */
export const carriedCount = z.number().int().min(0);

/**
 * The input of a remediation that looks after one container (restart-unhealthy, memory-pressure): where
 * and which, its policy (every default when absent), whether a person started it, and what a run hands to
 * the next when it continues as new — the events counted, those that arrived but were not looked at yet,
 * and the remediation's own state (`carried`).
 */
export function containerRemediationInput<P extends z.ZodType, C extends z.ZodRawShape>(policy: P, carried: C) {
  return z.strictObject({
    host: z.string().min(1),
    container: z.string().min(1),
    policy: policy.optional().transform((p): z.output<P> => p ?? policy.parse({})),
    /** Started by a person (`dockhand remediate <container> …`): act at once (within the policy's budget). */
    manual: z.boolean().default(false),
    carried: z.strictObject({ ...carried, events: carriedCount, pending: carriedCount }).optional(),
  });
}
