import {
  fleetRollingStatusQuery,
  type FleetRollingInput,
  type FleetRollingPhase,
  type FleetRollingStatus,
} from '../../common/fleet-rolling';
import type { HostProgress } from '../../common/fleet';
import { hostLines } from '../../common/fleet-plan';
import { phaseDetails } from '../../common/phase-details';
import { Progress } from './progress';
import { showDetails } from './refused-answers';
import { tagWorkflow } from './workflow-tags';

/**
 * A fleet rollout's progress: the `status` query (phase, every host's step, each host's child workflow),
 * the DockhandPhase search attribute, and the Web UI's current details — the fleet's phase, then one line
 * per host, so a person sees at a glance which host is where (each child's page has its replicas).
 */
export class FleetRollingProgress {
  private readonly progress: Progress<FleetRollingPhase, FleetRollingStatus>;
  private waitsOn?: string;

  constructor(input: FleetRollingInput, children: Record<string, string>) {
    this.progress = new Progress<FleetRollingPhase, FleetRollingStatus>(
      {
        service: input.service,
        phase: 'pulling',
        details: '',
        newImage: input.spec.image,
        hosts: input.hosts.map((host) => ({ host, step: 'waiting', details: '' })),
        children,
        startedAt: new Date().toISOString(),
        phases: [],
      },
      fleetRollingStatusQuery,
      "The fleet's phase, every host's step and each host's rollout workflow",
    );
    tagWorkflow({ service: input.service, host: input.hosts.join(','), image: input.spec.image });
  }

  get status(): FleetRollingStatus {
    return this.progress.status;
  }

  enter(phase: FleetRollingPhase, details: string, waitsOn?: string): void {
    this.waitsOn = waitsOn;
    this.progress.enter(phase, details, waitsOn);
    this.render();
  }

  host(host: string, step: string, details = ''): void {
    const hosts = this.status.hosts;
    const p: HostProgress = { host, step, details };
    hosts[hosts.findIndex((h) => h.host === host)] = p;
    this.render();
  }

  private render(): void {
    const { phase, details, hosts } = this.status;
    showDetails(phaseDetails(phase, `${details}\n\n**Hosts**\n${hostLines(hosts)}`, this.waitsOn));
  }
}
