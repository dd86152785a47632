import type { QueryDefinition } from '@temporalio/workflow';
import type { HostProgress } from '../../common/fleet';
import { hostLines } from '../../common/fleet-plan';
import { phaseDetails } from '../../common/phase-details';
import type { PhaseStatus } from '../../common/phase-status';
import { Progress } from './progress';
import { showDetails } from './refused-answers';
import { tagWorkflow } from './workflow-tags';

/** What every fleet status holds besides its own fields. */
export interface FleetStatusBase<P extends string> extends PhaseStatus<P> {
  service: string;
  newImage: string;
  hosts: HostProgress[];
  startedAt: string;
}

/** The status fields a fleet change starts with, whatever its kind. */
export function fleetStartStatus(input: { service: string; hosts: string[]; spec: { image: string } }) {
  return {
    service: input.service,
    phase: 'pulling' as const,
    details: '',
    newImage: input.spec.image,
    hosts: input.hosts.map((host): HostProgress => ({ host, step: 'waiting', details: '' })),
    startedAt: new Date().toISOString(),
    phases: [],
  };
}

/**
 * A fleet change's progress (blue-green or rolling): the `status` query (phase and every host's step),
 * the DockhandPhase search attribute, and the Web UI's current details — the fleet's phase, then one
 * line per host, so a person sees at a glance which host is where.
 */
export class FleetHostsProgress<P extends string, S extends FleetStatusBase<P>> {
  private readonly progress: Progress<P, S>;
  private waitsOn?: string;

  constructor(status: S, query: QueryDefinition<S>, description: string) {
    this.progress = new Progress<P, S>(status, query, description);
    // Hosts comma-separated: "every change touching fleet2" is one query in the Web UI.
    tagWorkflow({ service: status.service, host: status.hosts.map((h) => h.host).join(','), image: status.newImage });
  }

  get status(): S {
    return this.progress.status;
  }

  enter(phase: P, details: string, waitsOn?: string): void {
    this.waitsOn = waitsOn;
    this.progress.enter(phase, details, waitsOn);
    this.render();
  }

  /** A host moved on: its line changes, the rest stays. */
  host(host: string, step: string, details = ''): void {
    const hosts = this.status.hosts;
    hosts[hosts.findIndex((h) => h.host === host)] = { host, step, details };
    this.render();
  }

  private render(): void {
    const { phase, details, hosts } = this.status;
    showDetails(phaseDetails(phase, `${details}\n\n**Hosts**\n${hostLines(hosts)}`, this.waitsOn));
  }
}
