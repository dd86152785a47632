/* eslint-disable @typescript-eslint/no-explicit-any -- a test double: each activity reads its own input shape */
import { ErrorType, failure } from '../../common/errors';
import { Labels } from '../../common/labels';
import type { ReplicaInfo } from '../../common/rolling-update';

/**
 * An in-memory Docker host for workflow tests of the rolling update: the host activities the rollout
 * calls, with the contracts of the real ones (activities/docker/replicas.ts, replica-launch.ts,
 * containers.ts) kept small. Images decide how a replica behaves: a tag containing `broken` never
 * becomes healthy, `crash` exits at start, `flaky` fails its monitor period. `fault` makes one call
 * of an activity do something else (half of its work, say) and fail; `hold` keeps calls waiting.
 * Every edge config is checked: naming a container that is not running is a recorded violation.
 */
export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  running: boolean;
  health?: 'healthy' | 'unhealthy' | 'starting';
  /** A host port it binds by number: it cannot run beside another replica (startReplicaBeside). */
  hostPort?: number;
}

type Handler = (input: any, engine: FakeReplicaEngine) => unknown;

export class FakeReplicaEngine {
  containers: FakeContainer[] = [];
  /** Every config the edge was given, in order; `[]` is "no backend" (the edge answers 503). */
  edgeConfigs: string[][] = [];
  /** Things the rollout must never do (edge naming a container that does not run). */
  violations: string[] = [];
  /** Every activity call, in order: name and input. */
  calls: Array<{ activity: string; input: any }> = [];
  private nextId = 1;
  private readonly faults = new Map<string, Array<{ when: (input: any) => boolean; handler: Handler }>>();
  private readonly holds = new Map<string, Array<{ when: (input: any) => boolean; released: Promise<void> }>>();
  private readonly reached = new Map<string, Array<() => void>>();
  private releaseAll: Array<() => void> = [];

  constructor(readonly service: string) {}

  /** A running, healthy replica (or any container: pass `labels: {}` for a foreign one). */
  add(
    name: string,
    image: string,
    opts: Partial<FakeContainer> & { slot?: number; hash?: string } = {},
  ): FakeContainer {
    const slot = opts.slot ?? Number(/-(\d+)(?:-next|-prev)?$/.exec(name)?.[1]);
    const c: FakeContainer = {
      id: `c${this.nextId++}`,
      name,
      image,
      labels: opts.labels ?? {
        [Labels.managed]: 'true',
        [Labels.service]: this.service,
        [Labels.slot]: String(slot),
        [Labels.specHash]: opts.hash ?? hashOf(image, slot),
      },
      running: opts.running ?? true,
      health: 'health' in opts ? opts.health : 'healthy',
      ...(opts.hostPort ? { hostPort: opts.hostPort } : {}),
    };
    this.containers.push(c);
    return c;
  }

  byName(name: string): FakeContainer | undefined {
    return this.containers.find((c) => c.name === name);
  }

  /** name → "image state" for this service's and the given containers, sorted by name. */
  state(): Record<string, string> {
    return Object.fromEntries(
      [...this.containers]
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
        .map((c) => [c.name, `${c.image} ${c.running ? (c.health ?? 'running') : 'stopped'}`]),
    );
  }

  get edge(): string[] | undefined {
    return this.edgeConfigs.at(-1);
  }

  /** The next call of `activity` whose input matches runs `handler` instead. */
  fault(activity: string, handler: Handler, when: (input: any) => boolean = () => true): void {
    this.faults.set(activity, [...(this.faults.get(activity) ?? []), { when, handler }]);
  }

  /** Calls of `activity` matching `when` wait until the returned release is called (or the test ends). */
  hold(activity: string, when: (input: any) => boolean = () => true): () => void {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    this.releaseAll.push(release);
    this.holds.set(activity, [...(this.holds.get(activity) ?? []), { when, released }]);
    return release;
  }

  /** Resolves once `activity` has been called (at once if it was). */
  reachedCall(activity: string, when: (input: any) => boolean = () => true): Promise<void> {
    if (this.calls.some((c) => c.activity === activity && when(c.input))) return Promise.resolve();
    return new Promise((resolve) =>
      this.reached.set(activity, [
        ...(this.reached.get(activity) ?? []),
        () => this.calls.some((c) => c.activity === activity && when(c.input)) && (resolve(), true),
      ] as Array<() => void>),
    );
  }

  release(): void {
    this.releaseAll.forEach((r) => r());
  }

  /** The activities, as a host worker registers them. */
  activities(): Record<string, (input: any) => Promise<unknown>> {
    const impl: Record<string, Handler> = {
      listReplicas: () => this.listReplicas(),
      ensureNetwork: () => ({ created: false }),
      ensureImage: () => ({ pulled: false }),
      pingAgent: () => ({ at: new Date().toISOString() }),
      ensureEdgeContainer: () => undefined,
      planSpecHashes: ({ spec, slots }: { spec: { image: string }; slots: number[] }) =>
        Object.fromEntries(slots.map((slot) => [slot, hashOf(spec.image, slot)])),
      configureEdge: ({ upstreams }: { upstreams: Array<{ host: string }> }) =>
        this.configure(upstreams.map((u) => u.host)),
      launchReplica: (input: LaunchInput) => this.launch(input),
      retireReplica: ({ name, keepAs }: { name: string; keepAs: string }) => this.retire(name, keepAs),
      handOverReplica: ({ name, keepAs, successorId }: { name: string; keepAs: string; successorId: string }) => {
        const current = this.byName(name);
        if (current?.id === successorId) return;
        if (current) this.retire(name, keepAs);
        this.mustId(successorId).name = name;
      },
      watchHealthy: ({ id, name }: { id: string; name: string }) => {
        const c = this.mustId(id);
        if (c.image.includes('flaky')) {
          c.health = 'unhealthy';
          throw failure(ErrorType.Unhealthy, `${name} became unhealthy during its monitor period`);
        }
        if (!c.running) throw failure(ErrorType.ContainerExited, `${name} exited during its monitor period`);
      },
      waitHealthy: ({ name }: { name: string }) => this.healthy(this.mustName(name)),
      removeContainer: ({ name }: { name: string }) => {
        const c = this.byName(name);
        if (c) this.remove(c);
        return { removed: !!c };
      },
      stopContainer: ({ name }: { name: string }) => {
        this.mustName(name).running = false;
        return { changed: true };
      },
      startContainer: ({ name }: { name: string }) => void (this.mustName(name).running = true),
      renameContainer: ({ name, newName }: { name: string; newName: string }) => {
        const c = this.byName(name);
        if (!c && this.byName(newName)) return;
        if (this.byName(newName)) throw failure(ErrorType.Conflict, `${newName} is taken`);
        this.mustName(name).name = newName;
      },
      inspectContainer: ({ name }: { name: string }) => {
        const c = this.mustName(name);
        return { id: c.id, name: c.name, state: { running: c.running } };
      },
      removeReplica: (input: RemoveReplicaInput) => this.removeReplica(input),
      restoreReplica: (input: RestoreReplicaInput) => this.restoreReplica(input),
      startReplicaBeside: ({ id, name }: { id: string; name: string }) => {
        const c = this.containers.find((x) => x.id === id);
        if (!c) throw failure(ErrorType.NotFound, `cannot start ${name}: its container ${id} is gone`);
        if (c.hostPort) return { started: false, why: `${c.name} publishes fixed host port ${c.hostPort}` };
        c.running = true;
        this.healthy(c);
        return { started: true };
      },
    };
    return Object.fromEntries(
      Object.entries(impl).map(([activity, handler]) => [
        activity,
        async (input: any) => {
          this.calls.push({ activity, input });
          for (const check of this.reached.get(activity) ?? []) check();
          const hold = this.holds.get(activity)?.find((h) => h.when(input));
          if (hold) await hold.released;
          const faults = this.faults.get(activity) ?? [];
          const fault = faults.find((f) => f.when(input));
          if (fault) {
            faults.splice(faults.indexOf(fault), 1);
            return fault.handler(input, this);
          }
          return handler(input, this);
        },
      ]),
    );
  }

  listReplicas(): ReplicaInfo[] {
    return this.containers
      .filter((c) => c.labels[Labels.service] === this.service && c.labels[Labels.slot])
      .map((c) => ({
        id: c.id,
        name: c.name,
        slot: Number(c.labels[Labels.slot]),
        specHash: c.labels[Labels.specHash] ?? '',
        image: c.image,
        running: c.running,
        health: c.health,
      }))
      .sort((a, b) => a.slot - b.slot || a.name.localeCompare(b.name));
  }

  configure(hosts: string[]): { changed: boolean; previousConfig: string } {
    for (const host of hosts)
      if (!this.byName(host)?.running) this.violations.push(`edge configured with ${host}, which does not run`);
    this.edgeConfigs.push([...hosts].sort());
    return { changed: true, previousConfig: '' };
  }

  launch({ name, spec, labels, after = [] }: LaunchInput): { id: string } {
    const slot = Number(labels[Labels.slot]);
    const hash = hashOf(spec.image, slot);
    let c = this.byName(name);
    if (c && (c.labels[Labels.service] !== this.service || c.labels[Labels.specHash] !== hash))
      throw failure(ErrorType.Conflict, `${name} is taken by another container (${c.id})`, {
        name,
        existingId: c.id,
        managedService: c.labels[Labels.service],
      });
    c ??= this.add(name, spec.image, { slot, running: false, health: 'starting', hash });
    for (const before of after)
      if (this.byName(before)?.health !== 'healthy')
        throw failure(ErrorType.PredecessorFailed, `not started: ${before} did not become healthy`);
    c.running = !spec.image.includes('crash');
    this.healthy(c);
    return { id: c.id };
  }

  healthy(c: FakeContainer): { name: string; health: string } {
    if (c.image.includes('crash')) {
      c.running = false;
      throw failure(ErrorType.ContainerExited, `${c.name} exited with code 1 before it became healthy`);
    }
    c.running = true;
    c.health = c.image.includes('broken') ? 'unhealthy' : 'healthy';
    if (c.health !== 'healthy') throw failure(ErrorType.Unhealthy, `${c.name}: Docker marked it unhealthy`);
    return { name: c.name, health: 'healthy' };
  }

  retire(name: string, keepAs: string): void {
    const c = this.byName(name);
    if (!c) {
      if (!this.byName(keepAs))
        throw failure(ErrorType.NotFound, `cannot retire ${name}: neither it nor ${keepAs} exists`);
      return;
    }
    c.running = false;
    const kept = this.byName(keepAs);
    if (kept && kept !== c) {
      if (kept.labels[Labels.service] !== this.service)
        throw failure(ErrorType.Conflict, `${keepAs} is taken by a container that is not ${this.service}'s`);
      this.remove(kept);
    }
    c.name = keepAs;
  }

  removeReplica({ name, id, service, slot, spare }: RemoveReplicaInput): { removed: boolean } {
    const c = id ? this.containers.find((x) => x.id === id) : this.byName(name);
    if (!c || c.id === spare) return { removed: false };
    if (!id && (c.labels[Labels.service] !== service || c.labels[Labels.slot] !== String(slot)))
      return { removed: false };
    this.remove(c);
    return { removed: true };
  }

  restoreReplica({ id, name, service, slot }: RestoreReplicaInput): void {
    const c = this.containers.find((x) => x.id === id);
    if (!c) throw failure(ErrorType.NotFound, `cannot restore ${name}: its original replica ${id} is gone`);
    const holder = this.byName(name);
    if (holder && holder !== c) {
      if (holder.labels[Labels.service] !== service || holder.labels[Labels.slot] !== String(slot))
        throw failure(ErrorType.Conflict, `cannot restore ${name}: the name is held by a container that is not ours`);
      this.remove(holder);
    }
    c.name = name;
    c.running = true;
    this.healthy(c);
  }

  remove(c: FakeContainer): void {
    this.containers = this.containers.filter((x) => x !== c);
    if (this.edge?.includes(c.name) && c.running) this.violations.push(`${c.name} removed while the edge routes to it`);
  }

  private mustName(name: string): FakeContainer {
    const c = this.byName(name);
    if (!c) throw failure(ErrorType.NotFound, `no container ${name}`);
    return c;
  }

  private mustId(id: string): FakeContainer {
    const c = this.containers.find((x) => x.id === id);
    if (!c) throw failure(ErrorType.NotFound, `no container ${id}`);
    return c;
  }
}

interface LaunchInput {
  name: string;
  service: string;
  spec: { image: string };
  labels: Record<string, string>;
  after?: string[];
}
interface RemoveReplicaInput {
  name: string;
  id?: string;
  spare?: string;
  service: string;
  slot: number;
}
interface RestoreReplicaInput {
  id: string;
  name: string;
  service: string;
  slot: number;
}

const hashOf = (image: string, slot: number) => `${image}#${slot}`;
