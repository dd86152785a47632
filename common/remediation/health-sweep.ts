import { z } from 'zod';

export const HealthSweepInput = z.strictObject({
  /** Host agents to sweep (each on its own task queue). */
  hosts: z.array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a host id')).min(1),
});
export type HealthSweepInput = z.output<typeof HealthSweepInput>;

export interface HealthSweepResult {
  /** Per host: unhealthy containers found (published as events), or why the host could not be swept. */
  hosts: Array<{ host: string; unhealthy: string[]; published: number; error?: string }>;
}

/** The schedule id of the health sweep (one per Temporal namespace). */
export const HEALTH_SWEEP_SCHEDULE_ID = 'dockhand-health-sweep';
