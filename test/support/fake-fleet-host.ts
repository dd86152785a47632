import { ApplicationFailure } from '@temporalio/common';
import type { Color } from '../../common/blue-green';
import { ErrorType, failure } from '../../common/errors';
import { Labels } from '../../common/labels';

/**
 * One Docker host as the fleet blue-green workflow sees it, in memory: containers (image, color,
 * running, healthy) and an edge (the colors it declares, the one it serves). For workflow tests of
 * decisions (which host, which order, what is undone); what the Engine and nginx really do is proven by
 * the integration tests. `fault(name, fn)` makes an activity misbehave once or always.
 */
export interface FakeContainer {
  id: string;
  image: string;
  color?: Color;
  running: boolean;
  /** Whether it becomes healthy when waited for. */
  healthy: boolean;
}

type Fault = (input: Record<string, unknown>) => Promise<unknown>;

let ids = 0;

export class FakeFleetHost {
  readonly containers = new Map<string, FakeContainer>();
  edge: { colors: Color[]; live?: Color } = { colors: [] };
  /** Activity names in the order they ran. */
  readonly calls: string[] = [];
  private readonly faults = new Map<string, Fault>();
  /** Images the registry would not give this host. */
  readonly missingImages = new Set<string>();
  /** Images whose containers never become healthy here. */
  readonly unhealthyImages = new Set<string>();

  constructor(
    readonly host: string,
    readonly service: string,
  ) {}

  /** A host already serving `image` as `color` through its edge. */
  static serving(host: string, service: string, image: string, color: Color = 'blue'): FakeFleetHost {
    const h = new FakeFleetHost(host, service);
    h.containers.set(`${service}-edge`, { id: `e${++ids}`, image: 'edge', running: true, healthy: true });
    h.containers.set(`${service}-${color}`, { id: `c${++ids}`, image, color, running: true, healthy: true });
    h.edge = { colors: [color], live: color };
    return h;
  }

  fault(name: string, fn: Fault): void {
    this.faults.set(name, fn);
  }

  /** What serves through the edge and which containers exist: `{ serving: 'web-blue (app:v1)', containers: [...] }`. */
  state() {
    const live = this.edge.live ? `${this.service}-${this.edge.live}` : undefined;
    const c = live ? this.containers.get(live) : undefined;
    return {
      serving: c?.running ? `${live} (${c.image})` : 'nothing',
      containers: [...this.containers.entries()]
        .filter(([n]) => n !== `${this.service}-edge`)
        .map(([n, v]) => `${n} ${v.image}${v.running ? '' : ' stopped'}`)
        .sort(),
    };
  }

  activities(): Record<string, (input: Record<string, unknown>) => Promise<unknown>> {
    const impl = this.impl();
    return Object.fromEntries(
      Object.entries(impl).map(([name, fn]) => [
        name,
        async (input: Record<string, unknown>) => {
          this.calls.push(name);
          const f = this.faults.get(name);
          if (f) return f(input);
          return fn(input as never);
        },
      ]),
    );
  }

  private impl() {
    const svc = this.service;
    const edgeName = `${svc}-edge`;
    const probeEdge = async () => {
      const c = this.edge.live ? this.containers.get(`${svc}-${this.edge.live}`) : undefined;
      return c?.running && c.healthy
        ? { ok: true, status: '2xx', body: c.image }
        : { ok: false, status: '502', body: '' };
    };
    const get = (name: string) => {
      const c = this.containers.get(name);
      if (!c) throw failure(ErrorType.NotFound, `no container ${name} on ${this.host}`);
      return c;
    };
    return {
      ensureImage: async ({ image, digest }: { image: string; digest?: string }) => {
        if (this.missingImages.has(image))
          throw failure(ErrorType.ImageMissing, `manifest for ${image} not found: manifest unknown`);
        return { image, id: `sha256:${image}`, pulled: true, digest: digest ?? `sha256:digest-of-${image}` };
      },
      ensureNetwork: async () => ({ created: false }),
      pingAgent: async () => ({ host: this.host, at: new Date().toISOString() }),
      listServiceContainers: async () =>
        [...this.containers.entries()].map(([name, c]) => ({
          name,
          image: c.image,
          ...(c.color ? { color: c.color } : {}),
          running: c.running,
        })),
      readEdge: async () => {
        const e = this.containers.get(edgeName);
        return {
          exists: !!e,
          running: !!e?.running,
          colors: [...this.edge.colors].sort(),
          upstreamHosts: this.edge.live ? [`${svc}-${this.edge.live}`] : [],
          config: JSON.stringify(this.edge),
          ...(e?.running ? { hostPort: 18080 } : {}),
        };
      },
      createContainer: async ({
        name,
        spec,
        labels,
      }: {
        name: string;
        spec: { image: string };
        labels?: Record<string, string>;
      }) => {
        if (this.containers.has(name)) throw failure(ErrorType.Conflict, `${name} exists`);
        const color = labels?.[Labels.color] as Color | undefined;
        const id = `c${++ids}`;
        this.containers.set(name, {
          id,
          image: name === edgeName ? 'edge' : spec.image,
          ...(color ? { color } : {}),
          running: false,
          healthy: !this.unhealthyImages.has(spec.image),
        });
        return { id, created: true };
      },
      startContainer: async ({ name }: { name: string }) => void (get(name).running = true),
      // What the deploy guard checks first (is it still unhealthy?): running, and healthy or not.
      containerCondition: async ({ name }: { name: string }) => {
        const c = this.containers.get(name);
        return c ? { name, id: c.id, running: c.running, health: c.healthy ? 'healthy' : 'unhealthy' } : null;
      },
      stopContainer: async ({ name }: { name: string }) => void (get(name).running = false),
      waitHealthy: async ({ name }: { name: string }) => {
        const c = get(name);
        if (!c.running || !c.healthy)
          throw failure(ErrorType.Unhealthy, `${name} never became healthy on ${this.host}`);
        return { health: 'healthy' };
      },
      inspectContainer: async ({ name }: { name: string }) => ({ name, ports: [{ container: 80, hostPort: 18080 }] }),
      smokeCheck: async ({ name }: { name: string }) => ({
        status: get(name).healthy ? 200 : 500,
        url: `http://${name}/`,
        body: '',
      }),
      configureEdgeColors: async ({ colors, live }: { colors: Color[]; live: Color }) => {
        this.edge = { colors: [...colors], live };
        return { changed: true, drained: true };
      },
      // With a verify path it probes as probeEdge does (a probeEdge fault included): one activity, as the agent runs it.
      switchEdgeColor: async ({ live, verifyPath }: { live: Color; verifyPath?: string }) => {
        if (!this.edge.colors.includes(live)) throw failure(ErrorType.BadSpec, `edge does not declare ${live}`);
        this.edge.live = live;
        const switched = { changed: true, at: Date.now() };
        if (!verifyPath) return switched;
        const probe = this.faults.get('probeEdge') ?? probeEdge;
        return { ...switched, probe: await probe({ edge: edgeName, path: verifyPath }) };
      },
      restoreEdge: async ({ config }: { config: string }) => {
        this.edge = config ? (JSON.parse(config) as FakeFleetHost['edge']) : { colors: [] };
        return { changed: true };
      },
      probeEdge,
      waitEdgeDrained: async () => ({ drained: true }),
      removeContainer: async ({ name }: { name: string }) => {
        this.containers.delete(name);
        return { removed: true };
      },
    };
  }
}

/** An activity failure the agent reports as retryable (an Engine hiccup). */
export const retryable = (message: string) => ApplicationFailure.retryable(message, 'TestFlake');
