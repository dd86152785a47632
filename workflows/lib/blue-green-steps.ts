import type { EdgeState } from '../../activities/traffic/edge-state';
import type { BlueGreenInput } from '../../common/blue-green';
import { planBlueGreen, type BlueGreenPlan } from '../../common/blue-green-plan';
import { DeployErrorType, deployFailure, ErrorType, failure } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import type { HostProxies } from './host-activities';
import type { Saga } from './saga';

// The steps of a blue-green deploy, each pushing its undo onto the saga. An undo whose step may have
// half-happened (a create that timed out after the Engine did it) goes on *before* the step: every
// undo is idempotent, so undoing a step that never happened is harmless.

/** Reads the service's containers and the edge's routes, and decides the colors. */
export async function planDeploy(docker: HostProxies, input: BlueGreenInput): Promise<{ plan: BlueGreenPlan; edge: EdgeState }> {
  const [containers, edge] = await Promise.all([docker.listServiceContainers({ service: input.service }), docker.readEdge({ edge: input.edge.name })]);
  try {
    return { plan: planBlueGreen(input.service, containers.filter((c) => c.name !== input.edge.name), edge.upstreamHosts), edge };
  } catch (e) {
    throw failure(ErrorType.Conflict, (e as Error).message);
  }
}

/** Network, image and the edge container (created on the first deploy, and removed again if that
 * deploy fails; started if it was stopped). Returns the edge's published host port. */
export async function prepareEdge(docker: HostProxies, input: BlueGreenInput, state: EdgeState, saga: Saga): Promise<number> {
  const { service, spec, edge } = input;
  await docker.ensureNetwork({ name: spec.network!, labels: managedLabels(service) });
  await Promise.all([docker.ensureImage({ image: spec.image }), state.running ? undefined : docker.ensureImage({ image: edge.image })]);
  if (!state.running) {
    const edgeSpec = { image: edge.image, network: spec.network, ports: [{ container: 80, host: edge.port, hostIp: edge.hostIp, protocol: 'tcp' as const }], env: {}, secretEnv: {}, labels: {}, networkAliases: [] };
    if (!state.exists) saga.add(`remove the new edge ${edge.name}`, () => docker.removeContainer({ name: edge.name }));
    await docker.createContainer({ name: edge.name, service, spec: edgeSpec });
    await docker.startContainer({ name: edge.name });
    await docker.waitHealthy({ name: edge.name, timeoutMs: 30_000 });
  }
  const view = await docker.inspectContainer({ name: edge.name });
  return view.ports.find((p) => p.container === 80)?.hostPort ?? 0;
}

/** Creates and starts the new color and waits until it is healthy (then the optional smoke check). */
export async function bringUpNewColor(docker: HostProxies, input: BlueGreenInput, plan: BlueGreenPlan, saga: Saga): Promise<void> {
  const { name, color } = plan.next;
  if (plan.leftover) await docker.removeContainer({ name: plan.leftover });
  saga.add(`remove ${name}`, () => removeBehindEdge(docker, input, name));
  await docker.createContainer({ name, service: input.service, spec: input.spec, labels: { [Labels.color]: color } });
  await docker.startContainer({ name });
  await docker.waitHealthy({ name, timeoutMs: input.healthTimeoutMs });
}

export async function smokeCheck(docker: HostProxies, input: BlueGreenInput, name: string): Promise<void> {
  const { path, expectStatus } = input.smoke!;
  const r = await docker.smokeCheck({ name, network: input.spec.network!, port: input.appPort, path });
  if (r.status !== expectStatus) throw deployFailure(DeployErrorType.CheckFailed, `smoke check of ${name}: GET ${r.url} answered ${r.status}, expected ${expectStatus}: ${r.body.slice(0, 200)}`);
}

/** Points the edge at `name` (write, nginx -t, reload, wait until served) and checks through the edge
 * that it answers; the undo puts the config read just before back. */
export async function switchEdge(docker: HostProxies, input: BlueGreenInput, name: string, saga: Saga, from: string): Promise<void> {
  const edge = input.edge.name;
  const before = await docker.readEdge({ edge });
  saga.add(`point ${edge} back at ${from}`, () => docker.restoreEdge({ edge, config: before.config }));
  await docker.configureEdge({ edge, service: input.service, upstreams: [{ host: name, port: input.appPort }] });
  const probe = await docker.probeEdge({ edge, path: input.verifyPath });
  if (!probe.ok) throw deployFailure(DeployErrorType.CheckFailed, `after the switch, GET ${input.verifyPath} through ${edge} failed (${probe.status})`);
}

/** The old color during the bake: left running, or stopped (a rollback starts it and waits for its
 * health before the edge goes back to it — undos run in reverse, so this one runs first). */
export async function holdOldColor(docker: HostProxies, input: BlueGreenInput, name: string, saga: Saga): Promise<void> {
  if (input.oldColorDuringBake === 'running') return;
  saga.add(`start ${name} again`, async () => {
    await docker.startContainer({ name });
    await docker.waitHealthy({ name, timeoutMs: input.healthTimeoutMs });
  });
  await docker.stopContainer({ name, timeoutS: 5 });
}

/** Removes a color once the edge has stopped using it: after a switch, nginx's old workers may still
 * be finishing requests to it, and removing it under them would cut those requests. */
export async function removeBehindEdge(docker: HostProxies, input: BlueGreenInput, name: string): Promise<void> {
  await docker.waitEdgeDrained({ edge: input.edge.name, timeoutMs: 60_000 });
  await docker.removeContainer({ name });
}
