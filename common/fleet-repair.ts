import type { BlueGreenInput } from './blue-green';
import type { BlueGreenPlan } from './blue-green-plan';

/** How long a repair waits for a lost host's agent to come back before it gives up (and says so). */
export const DEFAULT_REPAIR_WAIT_MS = 24 * 60 * 60_000;

/** One host a fleet blue-green deploy left behind: what its deploy planned there, so the repair can
 * put it back (the old color serving, the new one gone) once its agent answers again. */
export interface BlueGreenHostRepair {
  input: BlueGreenInput;
  plan: BlueGreenPlan;
  waitMs?: number;
}

/** One host a fleet rolling update left behind: its replicas and their edge, so the repair can put
 * back what the host's rollout had kept (every -prev original), once its agent answers again. */
export interface RollingHostRepair {
  rolling: {
    service: string;
    host: string;
    edge: { name?: string; targetPort: number };
    healthTimeoutMs: number;
    /** Kept originals restored at once (absent in repairs started before it was passed: one at a time). */
    parallelism?: number;
  };
  waitMs?: number;
}

export type FleetHostRepairInput = BlueGreenHostRepair | RollingHostRepair;

export interface FleetHostRepairResult {
  host: string;
  service: string;
  /** What now serves on the host (absent after a first deploy: nothing of the service is left). A
   * rolling host: its replicas, comma-separated. */
  serving?: string;
  /** The blue-green host's new color, removed (a rolling host's half-updated replicas go unnamed). */
  removed?: string;
}

/** What the Temporal UI shows of a repair from its start (the fleet deploy starts it as a child). Pure. */
export function fleetRepairPresentation(r: FleetHostRepairInput): { staticSummary: string; staticDetails: string } {
  if ('rolling' in r) return rollingRepairPresentation(r);
  const { service, host } = r.input;
  const { live, next } = r.plan;
  return {
    staticSummary: `put ${host} back after a fleet deploy of ${service} (its agent stopped answering)`,
    staticDetails: [
      `**fleetHostRepair** — the host agent of \`${host}\` stopped answering during a fleet deploy of ${service}, which`,
      `went on without it. This run waits for the agent to come back, then puts the host back as before the deploy:`,
      live
        ? `${live.name} (${live.image}) serving through ${r.input.edge.name}, ${next.name} removed.`
        : `${next.name} and the edge removed (it was a first deploy).`,
    ].join(' '),
  };
}

function rollingRepairPresentation(r: RollingHostRepair): { staticSummary: string; staticDetails: string } {
  const { service, host } = r.rolling;
  return {
    staticSummary: `put ${host} back after a fleet rolling update of ${service} (its agent stopped answering)`,
    staticDetails: [
      `**fleetHostRepair** — the host agent of \`${host}\` stopped answering during a fleet rolling update of`,
      `${service}. This run waits for the agent to come back, then puts the host back as before the rollout: every`,
      `replica the rollout kept (\`${service}-<n>-prev\`) back under its name and healthy, every \`-next\` removed,`,
      `the edge serving them.`,
    ].join(' '),
  };
}
