import { CancellationScope } from '@temporalio/workflow';
import type { BlueGreenPlan } from '../../common/blue-green-plan';
import type { CanaryWindow } from '../../common/canary';
import type { CanaryInput } from '../../common/canary-deploy';
import { poolWindows, type HostWindow } from '../../common/canary-pool';
import type { HostAgent } from './activity-options';
import type { Saga } from './saga';

/** Where each edge's window starts (log offsets by host). */
export type Offsets = Record<string, number>;

/** One judged window of every edge, and where the next one starts. */
export type EdgesWindow = Pick<CanaryWindow, 'stable' | 'canary' | 'verdict' | 'reasons'> & {
  hosts?: HostWindow[];
  offsets: Offsets;
};

/**
 * The edges a canary splits and judges: one host's (canaryDeploy) or every host's of the service
 * (fleetCanaryDeploy). The step walker (canary-steps.ts) drives them the same way either way.
 */
export interface CanaryEdges {
  /** What the weighting phase names: "edge api-edge" or "the edges of h1, h2". */
  where: string;
  /** What the canary is called in the Web UI's lines. */
  canaryName: string;
  setWeight(weight: number): Promise<void>;
  /** Pushes the abort's quick stop (the canary-off marker) onto each host's undos. */
  armStop(): void;
  /** Where each log ends now (the first window starts there). */
  logEnds(): Promise<Offsets>;
  /** One window read once from `from` (before the canary-watch-window patch). */
  read(from: Offsets): Promise<EdgesWindow>;
  /** One window watched for `forMs`, ending as soon as it fails. Cancellable. */
  watch(from: Offsets, forMs: number): Promise<EdgesWindow>;
}

/** One host's side of a canary: its agent, the input it runs with, its colors, its undos. */
export interface CanaryHost {
  host: string;
  docker: HostAgent;
  input: CanaryInput;
  live: NonNullable<BlueGreenPlan['live']>;
  next: BlueGreenPlan['next'];
  saga?: Saga;
}

/** The edge of one host: the same activities, with the same inputs, as before this abstraction. */
export function hostEdge(h: CanaryHost): CanaryEdges {
  const one = (w: CanaryWindow): EdgesWindow => ({ ...w, offsets: { [h.host]: w.offset } });
  return {
    where: `edge ${h.input.edge.name}`,
    canaryName: h.next.name,
    setWeight: async (weight) => void (await setWeight(h, weight)),
    armStop: () => armStop(h),
    logEnds: async () => ({ [h.host]: (await readWindow(h, undefined)).offset }),
    read: async (from) => one(await readWindow(h, from[h.host])),
    watch: async (from, forMs) => one(await watchWindow(h, from[h.host] ?? 0, forMs)),
  };
}

/** Every host's edge, side by side: the same weight on each; a window fails as soon as one host's
 * fails (the other watches are cancelled) and otherwise pools every host's (common/canary-pool.ts). */
export function fleetEdges(hosts: CanaryHost[]): CanaryEdges {
  const all = <T>(f: (h: CanaryHost) => Promise<T>) => Promise.all(hosts.map(f));
  const windowOf = (ws: Array<{ h: CanaryHost; w: CanaryWindow }>, from: Offsets): EdgesWindow => ({
    ...poolWindows(ws.map(({ h, w }) => hostWindow(h.host, w))),
    offsets: { ...from, ...Object.fromEntries(ws.map(({ h, w }) => [h.host, w.offset])) },
  });
  return {
    where: `the edges of ${hosts.map((h) => h.host).join(', ')}`,
    canaryName: `${hosts[0]!.next.name} on ${hosts.length} hosts`,
    setWeight: async (weight) => void (await all((h) => setWeight(h, weight))),
    armStop: () => hosts.forEach(armStop),
    logEnds: async () =>
      Object.fromEntries(await all(async (h) => [h.host, (await readWindow(h, undefined)).offset] as const)),
    read: async (from) => windowOf(await all(async (h) => ({ h, w: await readWindow(h, from[h.host]) })), from),
    watch: (from, forMs) => watchEvery(hosts, from, forMs).then((ws) => windowOf(ws, from)),
  };
}

/** Watches every host's window; returns when all ended, or at the first that fails (cancelling the
 * rest: their lines are judged again by the next window, if there is one). */
async function watchEvery(hosts: CanaryHost[], from: Offsets, forMs: number) {
  const done: Array<{ h: CanaryHost; w: CanaryWindow }> = [];
  const scope = new CancellationScope();
  const watches = hosts.map((h) => scope.run(() => watchWindow(h, from[h.host] ?? 0, forMs)));
  try {
    await new Promise<void>((resolve, reject) => {
      let left = hosts.length;
      for (const [i, p] of watches.entries())
        void p.then((w) => {
          done.push({ h: hosts[i]!, w });
          if (w.verdict === 'fail' || --left === 0) resolve();
        }, reject);
    });
  } finally {
    scope.cancel();
    for (const p of watches) p.catch(() => undefined);
  }
  return done;
}

function hostWindow(host: string, w: CanaryWindow): HostWindow {
  return { host, verdict: w.verdict, reasons: w.reasons, stable: w.stable, canary: w.canary };
}

/** The edge, service and the two colors every canary edge activity names. */
function edgeColors(h: CanaryHost) {
  return { edge: h.input.edge.name, service: h.input.service, stable: h.live.color, canary: h.next.color };
}

function setWeight(h: CanaryHost, weight: number) {
  return h.docker.configureEdgeCanary({ ...edgeColors(h), port: h.input.appPort, weight });
}

function armStop(h: CanaryHost): void {
  const { edge, service } = h.input;
  h.saga?.add(`send every request of ${service} to stable (${edge.name})`, () =>
    h.docker.stopCanaryTraffic({ edge: edge.name, service }),
  );
}

function readWindow(h: CanaryHost, offset: number | undefined) {
  return h.docker.readCanaryLog({
    ...edgeColors(h),
    network: h.input.spec.network,
    ...(offset !== undefined ? { offset } : {}),
    judge: h.input.canary,
  });
}

function watchWindow(h: CanaryHost, offset: number, forMs: number) {
  const { input, live, next } = h;
  return h.docker.watchCanaryLog({
    edge: input.edge.name,
    service: input.service,
    stable: live.color,
    canary: next.color,
    network: input.spec.network,
    offset,
    forMs,
    judge: input.canary,
  });
}
