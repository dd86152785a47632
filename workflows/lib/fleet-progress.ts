import {
  fleetStatusQuery,
  type FleetBlueGreenInput,
  type FleetBlueGreenPhase,
  type FleetBlueGreenStatus,
} from '../../common/fleet-blue-green';
import type { HostProgress } from '../../common/fleet';
import { hostLines } from '../../common/fleet-plan';
import { Progress } from './progress';
import { showDetails } from './refused-answers';
import { tagWorkflow } from './workflow-tags';
import { phaseDetails } from '../../common/phase-details';

/**
 * A fleet change's progress: the `status` query (phase and every host's step), the DockhandPhase
 * search attribute, and the Web UI's current details — the fleet's phase, then one line per host, so
 * a person sees at a glance which host is where.
 */
export class FleetProgress {
  private readonly progress: Progress<FleetBlueGreenPhase, FleetBlueGreenStatus>;
  private waitsOn?: string;

  constructor(input: FleetBlueGreenInput) {
    this.progress = new Progress<FleetBlueGreenPhase, FleetBlueGreenStatus>(
      {
        service: input.service,
        phase: 'pulling',
        details: '',
        newImage: input.spec.image,
        hosts: input.hosts.map((host) => ({ host, step: 'waiting', details: '' })),
        startedAt: new Date().toISOString(),
        phases: [],
      },
      fleetStatusQuery,
      "The fleet's phase and every host's step",
    );
    // Hosts comma-separated: "every change touching fleet2" is one query in the Web UI.
    tagWorkflow({ service: input.service, host: input.hosts.join(','), image: input.spec.image });
  }

  get status(): FleetBlueGreenStatus {
    return this.progress.status;
  }

  enter(phase: FleetBlueGreenPhase, details: string, waitsOn?: string): void {
    this.waitsOn = waitsOn;
    this.progress.enter(phase, details, waitsOn);
    this.render();
  }

  /** A host moved on: its line changes, the rest stays. */
  host(p: HostProgress): void {
    const hosts = this.status.hosts;
    hosts[hosts.findIndex((h) => h.host === p.host)] = p;
    this.render();
  }

  private render(): void {
    const { phase, details, hosts } = this.status;
    showDetails(phaseDetails(phase, `${details}\n\n**Hosts**\n${hostLines(hosts)}`, this.waitsOn));
  }
}
