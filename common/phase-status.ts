/** One phase a workflow entered: when (ISO, workflow time) and what it said. */
export interface PhaseEntry<P extends string = string> {
  phase: P;
  at: string;
  details: string;
}

/**
 * What every Dockhand workflow's `status` query answers at the least: the phase it is in and what that
 * means now (the Web UI's current details say the same). Change workflows (blue-green, canary, fleet) also
 * keep the history of phases, which `dockhand … --follow` prints. Workflows fill it through
 * workflows/lib/progress.ts; the client reads it in client/follow.ts.
 */
export interface PhaseStatus<P extends string = string> {
  phase: P;
  details: string;
  phases?: Array<PhaseEntry<P>>;
}
