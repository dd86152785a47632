import { BlueGreenInput } from '../../common/blue-green';
import type { DeployGuardInput, DeployGuardResult } from '../../common/deploy-guard';
import { FleetBlueGreenInput, type FleetBlueGreenRequest } from '../../common/fleet-blue-green';
import { FleetRollingInput, type FleetRollingRequest } from '../../common/fleet-rolling';
import { RollingUpdateInput, type RollingUpdateRequest } from '../../common/rolling-update';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { validate } from '../../common/spec/validate';
import { blueGreenDeploy } from '../blue-green';
import { fleetBlueGreenDeploy } from '../fleet-blue-green';
import { fleetRollingUpdate } from '../fleet-rolling-update';
import { rollingUpdate } from '../rolling-update';

/** The deploy a guard rollback runs again, validated, and how to run it inline (so the service's lock
 * deploy/<service> is held throughout). */
export interface GuardRedeploy {
  /** The image it goes back to. */
  image: string;
  run(): Promise<NonNullable<DeployGuardResult['deploy']> & { spec: ContainerSpec }>;
}

/**
 * The redeploy of the previous spec with the strategy of the deploy it undoes: one host's blue-green or
 * rolling update, or a fleet's — on every host of the fleet, all or none (a guard rollback of a fleet
 * deploy rolls back the fleet). Bad input is refused here, before anything changes, with the deploy's
 * own field names.
 */
export function guardRedeploy(strategy: DeployGuardInput['strategy'], request: Record<string, unknown>): GuardRedeploy {
  const at = 'input.request';
  switch (strategy) {
    case 'blue-green': {
      const input = validate(BlueGreenInput, request, at);
      return { image: input.spec.image, run: () => blueGreenDeploy(input) };
    }
    case 'rolling': {
      const input = validate(RollingUpdateInput, request, at);
      return { image: input.spec.image, run: () => rollingUpdate(request as RollingUpdateRequest) };
    }
    case 'fleet-blue-green': {
      const input = validate(FleetBlueGreenInput, request, at);
      return { image: input.spec.image, run: () => fleetBlueGreenDeploy(request as FleetBlueGreenRequest) };
    }
    case 'fleet-rolling': {
      const input = validate(FleetRollingInput, request, at);
      return { image: input.spec.image, run: () => fleetRollingUpdate(request as FleetRollingRequest) };
    }
  }
}
