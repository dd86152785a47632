import type { WorkflowHandle } from '@temporalio/client';
import type { PhaseStatus } from '../common/phase-status';

/**
 * Follows a workflow's phases through its `status` query until it ends, calling `onPhase` once per
 * phase entered (with its details and the time since start), then returns its result (or throws its
 * failure). A query that fails for a moment (no worker yet, a worker restarting) is retried.
 */
export async function followPhases<R>(
  handle: WorkflowHandle,
  onPhase: (p: { phase: string; details: string; elapsedMs: number }) => void,
  pollMs = 500,
): Promise<R> {
  const started = Date.now();
  let seen = 0;
  let done = false;
  const result = handle.result().finally(() => (done = true));
  const report = async () => {
    const s = await handle.query<PhaseStatus>('status').catch(() => undefined);
    if (!s) return;
    const phases = s.phases ?? [];
    const t0 = Date.parse(phases[0]?.at ?? new Date(started).toISOString());
    for (; seen < phases.length; seen++) {
      const p = phases[seen]!;
      onPhase({ phase: p.phase, details: p.details, elapsedMs: Date.parse(p.at) - t0 });
    }
  };
  while (!done) {
    await report();
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
  }
  await report();
  return (await result) as R;
}
