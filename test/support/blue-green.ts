import type { WorkflowHandle } from '@temporalio/client';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { statusQuery, type BlueGreenPhase, type BlueGreenRequest } from '../../common/blue-green';
import { Labels } from '../../common/labels';
import { containersOf, removeNetwork, removeService } from './docker';
import { useTestWorkers } from './harness';
import type { WorkerEnvironments } from './workers';
import { freshGet } from '../../client/fresh-get';
export { waitFor } from './wait';
export { runCli } from './cli';

export const fixtureApp = (version: string) => `dockhand-fixture-app:${version}`;

/**
 * A blue-green test file's world: workers and client (see useTestWorkers), one service `<prefix>-<suffix>`
 * on its own network (both removed at the end), requests for a fixture app version with the file's
 * timing defaults, and the environment that points the real CLI at the file's queues.
 */
export function useBlueGreenWorld(
  prefix: string,
  timing: Pick<BlueGreenRequest, 'healthTimeoutMs' | 'bakeMs'>,
  workerEnv: WorkerEnvironments = {},
) {
  const world = useTestWorkers(prefix, workerEnv);
  const service = `${prefix}-${world.ids.suffix}`;
  const network = `dh-${prefix}-${world.ids.suffix}`;
  world.onCleanUp(async () => {
    await removeService(service);
    await removeNetwork(network);
  });
  const request = (version: string, extra: Partial<BlueGreenRequest> = {}): BlueGreenRequest => ({
    service,
    host: world.ids.hostId,
    spec: { image: fixtureApp(version), init: true, network, healthcheck: patientHealthcheck },
    appPort: 8080,
    approval: { required: false },
    ...timing,
    ...extra,
  });
  return Object.assign(world, {
    service,
    network,
    request,
    /** Starts a deploy of the fixture app at `version` (the workflow handle; `.result()` waits). */
    deploy: (version: string, extra?: Partial<BlueGreenRequest>) =>
      startBlueGreenDeploy(world.client, world.config, request(version, extra)),
    cliEnv: { DOCKHAND_HOST_ID: world.ids.hostId, DOCKHAND_ORCHESTRATOR_QUEUE: world.ids.orchestratorQueue },
  });
}

/** The colored containers of a service, as the tests compare them. */
export async function colorsOf(service: string) {
  const all = await containersOf(service);
  return all
    .filter((c) => c.Labels[Labels.color])
    .map((c) => ({ name: c.Names[0]!.slice(1), color: c.Labels[Labels.color], image: c.Image, state: c.State }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** GET through the edge's published port, on a fresh connection (`freshGet` says why). */
export async function viaEdge(port: number, p = '/version'): Promise<string> {
  const res = await freshGet(`http://127.0.0.1:${port}${p}`, 10_000);
  return `${res.status} ${res.body}`;
}

/** Polls the `status` query until the deploy reaches `phase` (a worker may be restarting meanwhile). */
export async function waitForPhase(handle: WorkflowHandle, phase: BlueGreenPhase, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await handle.query(statusQuery).catch(() => undefined);
    if (s?.phase === phase) return;
    if (s?.phase === 'failed') throw new Error(`deploy failed while waiting for ${phase}: ${s.failure}`);
    if (Date.now() > deadline) throw new Error(`deploy not in phase ${phase} after ${timeoutMs} ms (now ${s?.phase})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The fixture's own health check with a patient timeout: on a saturated shared machine a 2 s check
 * times out now and then, and three in a row would mark a perfectly good container unhealthy. */
export const patientHealthcheck = {
  test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
  interval: '1s',
  timeout: '10s',
  retries: 5,
};
