import type { Upstream } from '../../activities/traffic/nginx-config';
import type { HostAgent } from './activity-options';

/**
 * The edge's upstream during a rollout: the replicas that serve. A replica leaves before it stops and
 * joins once healthy; each change is one activity (one exec in the edge: write, `nginx -t`, graceful
 * reload, wait until served), so requests in flight finish on the old workers and clients never see
 * the switch. An unchanged set is not written at all.
 */
export class EdgeUpstream {
  private live: string[];
  /** A member was renamed since the config was last written: the config names a container that no
   * longer has that name (fine for the running nginx, which resolved it already; not for a restart). */
  private namesStale = false;
  /** With no member left, write a config that answers 503 (the undo sets it: it removes containers,
   * and the edge must never keep routing to one that is gone). Otherwise the old config stays, as a
   * one-replica stop-first update wants while its replica is replaced. */
  allowEmpty = false;

  constructor(
    private readonly docker: HostAgent,
    readonly edge: string,
    private readonly service: string,
    private readonly port: number,
    live: string[],
  ) {
    this.live = [...live].sort();
  }

  get members(): string[] {
    return [...this.live];
  }

  leave(names: string[]): Promise<void> {
    return this.set(this.live.filter((n) => !names.includes(n)));
  }

  join(names: string[]): Promise<void> {
    return this.set([...this.live, ...names.filter((n) => !this.live.includes(n))]);
  }

  /** `join` and `leave` in one reload. */
  update(join: string[], leave: string[]): Promise<void> {
    return this.set([...this.live.filter((n) => !leave.includes(n)), ...join]);
  }

  /** Replaces each `from` by its `to` in one reload (start-first switch). */
  swap(pairs: Array<[from: string, to: string]>): Promise<void> {
    const to = new Map(pairs);
    return this.set(
      this.live.map((n) => to.get(n) ?? n).concat(pairs.filter(([f]) => !this.live.includes(f)).map(([, t]) => t)),
    );
  }

  /** A member was renamed: same container, same address, so no reload; the next change uses the name. */
  renamed(from: string, to: string): void {
    this.live = this.live.map((n) => (n === from ? to : n)).sort();
    this.namesStale = true;
  }

  /** Writes the current names if a rename made the config's stale (at the end of a rollout, so an
   * edge that restarts later finds every name it resolves). */
  flushNames(): Promise<void> {
    return this.namesStale ? this.set(this.live, true) : Promise.resolve();
  }

  /** Writes the config for the current members (idempotent: an unchanged config is not reloaded). */
  sync(): Promise<void> {
    return this.set(this.live, true);
  }

  private async set(names: string[], force = false): Promise<void> {
    const next = [...new Set(names)].sort();
    const same = next.length === this.live.length && next.every((n, i) => n === this.live[i]);
    if ((!same || force) && (next.length > 0 || this.allowEmpty)) {
      const upstreams: Upstream[] = next.map((host) => ({ host, port: this.port }));
      await this.docker.configureEdge({ edge: this.edge, service: this.service, upstreams });
      this.namesStale = false;
    }
    this.live = next;
  }
}
