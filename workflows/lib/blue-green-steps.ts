import { patched } from '@temporalio/workflow';
import type { EdgeState } from '../../activities/traffic/edge-state';
import type { BlueGreenInput } from '../../common/blue-green';
import type { Color } from '../../common/blue-green';
import { colorName, otherColor, planBlueGreen, type BlueGreenPlan } from '../../common/blue-green-plan';
import { DeployErrorType, ErrorType, failure } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import { activityFailureOf } from './failures';
import type { HostAgent } from './activity-options';
import type { Saga } from './saga';

/** Runs started since switch the edge and GET the verify path through it in one activity (older runs:
 * switchEdgeColor, then probeEdge). An agent that does not probe with the switch is probed after it. */
const SWITCH_WITH_PROBE = 'edge-switch-with-probe';

/** Runs started since skip waitEdgeDrained when the config change that dropped a color saw every
 * older nginx worker exit, and their drain drops the old color without reading the edge first (older
 * runs read the edge, then always polled the edge's processes after the change). */
const DRAIN_SEEN_BY_CHANGE = 'edge-drain-seen-by-change';

/** Runs started since take a running edge's published port from the plan's read of it (older runs:
 * inspected the edge once more). */
const EDGE_PORT_FROM_READ = 'edge-port-from-read';

/** Runs started since let the edge learn the new color while its health is awaited (older runs: after). */
const EDGE_LEARNS_DURING_HEALTH_WAIT = 'edge-learns-during-health-wait';

// The steps of a blue-green deploy, each pushing its undo onto the saga. An undo whose step may have
// half-happened (a create that timed out after the Engine did it) goes on *before* the step: every
// undo is idempotent, so undoing a step that never happened is harmless.

/** Reads the service's containers and the edge's routes, and decides the colors. */
export async function planDeploy(
  docker: HostAgent,
  input: BlueGreenInput,
): Promise<{ plan: BlueGreenPlan; edge: EdgeState }> {
  const [containers, edge] = await Promise.all([
    docker.listServiceContainers({ service: input.service }),
    docker.readEdge({ edge: input.edge.name }),
  ]);
  try {
    return {
      plan: planBlueGreen(
        input.service,
        containers.filter((c) => c.name !== input.edge.name),
        edge.upstreamHosts,
      ),
      edge,
    };
  } catch (e) {
    throw failure(ErrorType.Conflict, (e as Error).message);
  }
}

/** Network, image (unless `imageReady`: a fleet pulled it already) and the edge container (created on
 * the first deploy, and removed again if that deploy fails; started if it was stopped). Returns the
 * edge's published host port. */
export async function prepareEdge(
  docker: HostAgent,
  input: BlueGreenInput,
  state: EdgeState,
  saga: Saga,
  imageReady = false,
): Promise<number> {
  const { service, spec, edge } = input;
  await docker.ensureNetwork({ name: spec.network, labels: managedLabels(service) });
  await Promise.all([
    imageReady ? undefined : docker.ensureImage({ image: spec.image }),
    state.running ? undefined : docker.ensureImage({ image: edge.image }),
  ]);
  if (!state.running) {
    const edgeSpec = {
      image: edge.image,
      network: spec.network,
      ports: [{ container: 80, host: edge.port, hostIp: edge.hostIp, protocol: 'tcp' as const }],
      env: {},
      secretEnv: {},
      labels: {},
      networkAliases: [],
    };
    if (!state.exists)
      await createOwned(
        docker,
        saga,
        `remove the new edge ${edge.name}`,
        { name: edge.name, service, spec: edgeSpec },
        (id) => docker.removeContainer({ name: edge.name, id }),
      );
    else await docker.createContainer({ name: edge.name, service, spec: edgeSpec });
    await docker.startContainer({ name: edge.name });
    await docker.waitHealthy({ name: edge.name, timeoutMs: 30_000, checkNow: true });
  }
  // An edge that already ran was read by the plan, its port with it (an agent from before did not say).
  if (state.running && state.hostPort !== undefined && patched(EDGE_PORT_FROM_READ)) return state.hostPort;
  const view = await docker.inspectContainer({ name: edge.name });
  return view.ports.find((p) => p.container === 80)?.hostPort ?? 0;
}

/** Creates and starts the new color, waits until it is healthy, and lets the edge know it beside the
 * live color: a reload that changes no route (the marker still names the live color), so the switch
 * later is one file operation. The undo drops it from the edge again before removing it. */
export async function bringUpNewColor(
  docker: HostAgent,
  input: BlueGreenInput,
  plan: BlueGreenPlan,
  saga: Saga,
): Promise<void> {
  const { name, color } = plan.next;
  // A leftover the edge still declares goes through the edge too: a new container of that name gets
  // another address, and nginx would keep the old one while the config text stays the same.
  if (plan.leftover) await removeBehindEdge(docker, input, plan.leftover);
  const create = { name, service: input.service, spec: input.spec, labels: { [Labels.color]: color } };
  await createOwned(docker, saga, `remove ${name}`, create, (id) => removeBehindEdge(docker, input, name, id));
  await docker.startContainer({ name });
  const live = plan.live?.color;
  const healthy = () => docker.waitHealthy({ name, timeoutMs: input.healthTimeoutMs });
  if (!live) {
    await healthy(); // a first deploy: the switch writes the edge's first config
    return;
  }
  const learn = () => {
    saga.add(`drop ${name} from ${input.edge.name}`, () => edgeColors(docker, input, [live], live));
    return edgeColors(docker, input, [live, color], live);
  };
  if (!patched(EDGE_LEARNS_DURING_HEALTH_WAIT)) {
    await healthy();
    await learn();
    return;
  }
  // A running container's name resolves, so the reload need not wait for the health check, which
  // mostly waits for Docker's first check. An unhealthy color fails as unhealthy, whatever the edge said.
  const [health, learned] = await Promise.allSettled([healthy(), learn()]);
  if (health.status === 'rejected') throw health.reason;
  if (learned.status === 'rejected') throw learned.reason;
}

export async function smokeCheck(docker: HostAgent, input: BlueGreenInput, name: string): Promise<void> {
  const { path, expectStatus } = input.smoke!;
  const r = await docker.smokeCheck({ name, network: input.spec.network, port: input.appPort, path });
  if (r.status !== expectStatus)
    throw failure(
      DeployErrorType.CheckFailed,
      `smoke check of ${name}: GET ${r.url} answered ${r.status}, expected ${expectStatus}: ${r.body.slice(0, 200)}`,
    );
}

/** Makes the new color serve and checks through the edge that it answers. With a live color this is
 * one atomic marker-file operation in the edge (no reload: the answering version flips once, between
 * one request and the next) and the undo is the reverse one; a first deploy writes the edge's first
 * config, and its undo puts back the config read just before. */
export async function switchEdge(
  docker: HostAgent,
  input: BlueGreenInput,
  plan: BlueGreenPlan,
  saga: Saga,
): Promise<void> {
  const edge = input.edge.name;
  const { live, next } = plan;
  let probe: Awaited<ReturnType<HostAgent['probeEdge']>> | undefined;
  if (live) {
    saga.add(`point ${edge} back at ${live.name}`, () =>
      docker.switchEdgeColor({ edge, service: input.service, live: live.color }),
    );
    const verify = patched(SWITCH_WITH_PROBE) ? { verifyPath: input.verifyPath } : {};
    ({ probe } = await docker.switchEdgeColor({ edge, service: input.service, live: next.color, ...verify }));
  } else {
    const before = await docker.readEdge({ edge });
    saga.add(`point ${edge} back at its previous config`, () => docker.restoreEdge({ edge, config: before.config }));
    await edgeColors(docker, input, [next.color], next.color);
  }
  probe ??= await docker.probeEdge({ edge, path: input.verifyPath });
  if (!probe.ok)
    throw failure(
      DeployErrorType.CheckFailed,
      `after the switch, GET ${input.verifyPath} through ${edge} failed (${probe.status})`,
    );
}

/** The old color during the bake: left running, or stopped (a rollback starts it and waits for its
 * health before the edge goes back to it — undos run in reverse, so this one runs first). A stopped
 * container may get another address when it starts again, and nginx resolves names only when it
 * loads a config: so the edge forgets it before it stops and learns it again after it restarts. */
export async function holdOldColor(docker: HostAgent, input: BlueGreenInput, name: string, saga: Saga): Promise<void> {
  if (input.oldColorDuringBake === 'running') return;
  const old = colorOf(input.service, name);
  const serving = otherColor(old);
  saga.add(`start ${name} again`, async () => {
    await docker.startContainer({ name });
    await docker.waitHealthy({ name, timeoutMs: input.healthTimeoutMs });
    await edgeColors(docker, input, [old, serving], serving);
  });
  await edgeColors(docker, input, [serving], serving);
  await docker.stopContainer({ name, timeoutS: 5 });
}

/** Removes a color once the edge has stopped using it: first a config that no longer names it (when
 * it is declared but does not serve), then waits until nginx's old workers are done with it —
 * removing it under them would cut their requests (the config change saw them exit: no wait). */
export async function removeBehindEdge(
  docker: HostAgent,
  input: BlueGreenInput,
  name: string,
  id?: string,
): Promise<void> {
  const edge = await docker.readEdge({ edge: input.edge.name });
  const color = colorOf(input.service, name);
  let drained = false;
  if (edge.colors.includes(color) && !edge.upstreamHosts.includes(name)) {
    const rest = edge.colors.filter((c) => c !== color);
    if (rest.length > 0) drained = (await edgeColors(docker, input, rest, otherColor(color))).drained === true;
  }
  if (!(drained && patched(DRAIN_SEEN_BY_CHANGE)))
    await docker.waitEdgeDrained({ edge: input.edge.name, timeoutMs: 60_000 });
  // By id when this run made it; by name only if it is this service's (refused otherwise): never a
  // container that merely holds the name (review C1).
  await docker.removeContainer({ name, id, service: input.service });
}

/** The drain, once the new color is final: the edge declares only `serving` (which serves already, so
 * no route changes), then the old color goes once nginx's old workers are done with it. Knowing what
 * serves, it reads nothing first, and polls the edge only when the change did not see them exit. */
export async function drainOldColor(
  docker: HostAgent,
  input: BlueGreenInput,
  name: string,
  serving: Color,
): Promise<void> {
  if (!patched(DRAIN_SEEN_BY_CHANGE)) return removeBehindEdge(docker, input, name);
  const { drained } = await edgeColors(docker, input, [serving], serving);
  if (!drained) await docker.waitEdgeDrained({ edge: input.edge.name, timeoutMs: 60_000 });
  await docker.removeContainer({ name, service: input.service });
}

/**
 * Creates a container with its undo registered first (the create may half-happen: the Engine made it
 * but the result was lost). The undo acts on what the create made — its id once known, else the name
 * only if the container there is this service's — and is withdrawn when the create was refused
 * because the name belongs to someone else: then this run made nothing, and nothing is undone.
 */
async function createOwned(
  docker: HostAgent,
  saga: Saga,
  what: string,
  input: Parameters<HostAgent['createContainer']>[0],
  remove: (id: string | undefined) => Promise<unknown>,
): Promise<void> {
  let id: string | undefined;
  const withdraw = saga.add(what, () => remove(id));
  try {
    ({ id } = await docker.createContainer(input));
  } catch (err) {
    if (activityFailureOf(err, ErrorType.Conflict)) withdraw();
    throw err;
  }
}

/** The edge declares `colors` (as `<service>-<color>`) and routes to `live`. */
function edgeColors(docker: HostAgent, input: BlueGreenInput, colors: Color[], live: Color) {
  return docker.configureEdgeColors({
    edge: input.edge.name,
    service: input.service,
    colors,
    port: input.appPort,
    live,
  });
}

/** The color of a container named by colorName. */
function colorOf(service: string, name: string): Color {
  return name === colorName(service, 'green') ? 'green' : 'blue';
}
