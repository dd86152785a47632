import {
  fleetStatusQuery,
  type FleetBlueGreenInput,
  type FleetBlueGreenPhase,
  type FleetBlueGreenStatus,
} from '../../common/fleet-blue-green';
import { FleetHostsProgress, fleetStartStatus } from './fleet-hosts-progress';

/** A fleet blue-green deploy's progress (see FleetHostsProgress). */
export class FleetProgress extends FleetHostsProgress<FleetBlueGreenPhase, FleetBlueGreenStatus> {
  constructor(input: FleetBlueGreenInput) {
    super(fleetStartStatus(input), fleetStatusQuery, "The fleet's phase and every host's step");
  }
}
