import { startBlueGreenDeploy } from '../../client/blue-green';
import { startCleanup } from '../../client/cleanup';
import { startHarden } from '../../client/harden';
import { startRollingUpdate } from '../../client/rolling-update';
import type { BlueGreenRequest } from '../../common/blue-green';
import { Labels } from '../../common/labels';
import type { RollingUpdateRequest } from '../../common/rolling-update';
import { remediationId } from '../../common/workflow-ids';
import { AUTOHEAL_LABELS, type World } from '../world';

/** Workflows a round may drive. */
export const WORKFLOWS = [
  'blue-green',
  'rolling-start-first',
  'rolling-stop-first',
  'harden',
  'clean-up',
  'restart-unhealthy',
  'collision-blue-green',
  'collision-rolling-scale',
  'clean-up-during-rollout',
] as const;
export type WorkflowKind = (typeof WORKFLOWS)[number];

/** The services the suite keeps on its engine, and the foreign containers beside them. */
export const BG = 'web';
export const ROLL = 'api';
export const ROLL_REPLICAS = 3;
/** A service whose first color's name is held by another service's container (`web2-blue` of `web2-x`). */
export const BG_COLLIDING = 'web2';

export const app = (v: string) => `dockhand-fixture-app:${v}`;

/** The fixture's own check with a patient timeout (a loaded 2-core machine runs checks late). */
const patientHealthcheck = {
  test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
  interval: '1s',
  timeout: '10s',
  retries: 5,
};

function blueGreenRequest(world: World, service: string, version: string): BlueGreenRequest {
  return {
    service,
    host: world.hostId,
    spec: { image: app(version), init: true, network: `${service}-net`, healthcheck: patientHealthcheck },
    appPort: 8080,
    approval: { required: false },
    healthTimeoutMs: version === 'broken' ? 15_000 : 60_000,
    bakeMs: 1_000,
    edge: { image: 'dockhand-edge:1', port: 0, hostIp: world.engine.address },
  };
}

function rollingRequest(
  world: World,
  version: string,
  order: 'start-first' | 'stop-first',
  replicas = ROLL_REPLICAS,
): RollingUpdateRequest {
  return {
    service: ROLL,
    host: world.hostId,
    replicas,
    order,
    spec: { image: app(version), init: true, network: `${ROLL}-net`, healthcheck: patientHealthcheck },
    monitor: '1s',
    healthTimeout: version === 'broken' ? '15s' : '40s',
    edge: {
      ports: [{ container: 80, hostIp: world.engine.address }],
      healthcheck: {
        test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/__edge/health'],
        interval: '1s',
        timeout: '10s',
        retries: 5,
      },
    },
  };
}

export const startBlueGreen = async (world: World, service: string, version: string) =>
  startBlueGreenDeploy(await world.client(), world.config, blueGreenRequest(world, service, version));
export const startRolling = async (
  world: World,
  version: string,
  order: 'start-first' | 'stop-first',
  replicas?: number,
) => startRollingUpdate(await world.client(), world.config, rollingRequest(world, version, order, replicas));

/** A plain container (no Dockhand labels) to harden: the fixture app with its health check. */
export async function createHardenTarget(world: World, name: string) {
  const c = await world.docker.createContainer({
    name,
    Image: app('v1'),
    Labels: { 'chaos.role': 'harden-target' },
    HostConfig: { Init: true },
  });
  await c.start();
  return c;
}
export const startHardenRun = async (world: World, container: string) =>
  startHarden(await world.client(), world.config, {
    host: world.hostId,
    container,
    approval: { required: false },
    healthTimeoutMs: 60_000,
    stopTimeoutS: 1,
  });

/** Exited containers of a service that no longer exists: garbage a clean-up must remove. */
export async function createGarbage(world: World, service: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const c = await world.docker.createContainer({
      name: `${service}-${i}`,
      Image: app('v1'),
      Cmd: ['/bin/busybox', 'true'],
      Labels: {
        [Labels.managed]: 'true',
        [Labels.service]: service,
        [Labels.slot]: String(i),
        [Labels.specHash]: 'gone',
      },
    });
    await c.start();
    await c.wait();
    ids.push(c.id);
  }
  return ids;
}
export const startCleanupRun = async (world: World) =>
  startCleanup(await world.client(), world.config, {
    host: world.hostId,
    minAge: 0,
    approval: { required: false },
  });

/** A container that opted in to remediation (the trigger's rule matches its labels). */
export async function createFlaky(world: World, name: string) {
  const c = await world.docker.createContainer({
    name,
    Image: app('flaky'),
    Labels: AUTOHEAL_LABELS,
    HostConfig: { Init: true },
  });
  await c.start();
  return c;
}
export const restartUnhealthyId = (world: World, container: string) =>
  remediationId('restart-unhealthy', world.hostId, container);
