import {
  fleetRollingStatusQuery,
  type FleetRollingInput,
  type FleetRollingPhase,
  type FleetRollingStatus,
} from '../../common/fleet-rolling';
import { FleetHostsProgress, fleetStartStatus } from './fleet-hosts-progress';

/** A fleet rolling update's progress (see FleetHostsProgress); its status also names each host's child
 * workflow (each child's page has its replicas). */
export class FleetRollingProgress extends FleetHostsProgress<FleetRollingPhase, FleetRollingStatus> {
  constructor(input: FleetRollingInput, children: Record<string, string>) {
    super(
      { ...fleetStartStatus(input), children },
      fleetRollingStatusQuery,
      "The fleet's phase, every host's step and each host's rollout workflow",
    );
  }
}
