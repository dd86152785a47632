import type Docker from 'dockerode';
import { heartbeat } from '@temporalio/activity';
import { firstAttemptStart, staysHealthy, untilHealthy } from './health';
import { heartbeating } from './long-running';
import { ContainerSpec } from '../../common/spec/container-spec';
import { validate } from '../../common/spec/validate';
import { ErrorType, failure } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import { engineCall } from './engine-errors';
import { containerIfAny, imageIfAny } from './inspect-if-any';
import { toCreateBody } from './create-body';
import { specHash } from './spec-hash';
import { resolveEnv } from './spec-env';
import { replicaLabels, type ReplicaInfo } from '../../common/rolling-update';

export interface PlanSpecHashesInput {
  service: string;
  spec: ContainerSpec;
  slots: number[];
}

export function createReplicaActivities(docker: Docker, hostId: string) {
  /** Stops the replica (heartbeating: an agent killed meanwhile is noticed in seconds) and keeps it,
   * stopped, as `keepAs`. A container already under `keepAs` is removed (by id) only when it is another
   * of this service's (a stale copy) — never the one being retired (an overlapping attempt renamed it
   * already) and never anyone else's (Conflict, before anything stops). */
  const retire = async (current: Docker.ContainerInspectInfo, name: string, keepAs: string) => {
    const kept = await containerIfAny(docker, keepAs);
    const service = current.Config.Labels?.[Labels.service];
    if (kept && kept.Id !== current.Id && (!service || kept.Config.Labels?.[Labels.service] !== service))
      throw failure(
        ErrorType.Conflict,
        `cannot keep ${name} as ${keepAs}: that name is held by ${kept.Id.slice(0, 12)}, which is not ${service ?? name}'s`,
        { name: keepAs, existingId: kept.Id, managedService: kept.Config.Labels?.[Labels.service] },
      );
    await heartbeating((abortSignal) =>
      engineCall(`stop container ${name}`, () => docker.getContainer(current.Id).stop({ abortSignal }), [304, 404]),
    );
    if (kept?.Id === current.Id) return;
    if (kept)
      await engineCall(`remove container ${keepAs}`, () => docker.getContainer(kept.Id).remove({ force: true }), [404]);
    await engineCall(`rename container ${name} to ${keepAs}`, () =>
      docker.getContainer(current.Id).rename({ name: keepAs }),
    );
  };
  return {
    /** Every container of `service` that carries a slot label (replicas and their -next/-prev
     * companions). Read-only. */
    async listReplicas({ service }: { service: string }): Promise<ReplicaInfo[]> {
      const list = await engineCall(`list containers of ${service}`, () =>
        docker.listContainers({ all: true, filters: { label: [`${Labels.service}=${service}`, Labels.slot] } }),
      );
      return list!
        .map((c) => ({
          id: c.Id,
          name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
          slot: Number(c.Labels[Labels.slot]),
          specHash: c.Labels[Labels.specHash] ?? '',
          image: c.Image,
          running: c.State === 'running',
          health: /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace('health: ', ''),
        }))
        .filter((r) => Number.isInteger(r.slot) && r.slot > 0)
        .sort((a, b) => a.slot - b.slot || a.name.localeCompare(b.name));
    },

    /** The spec hash createContainer would give each slot's replica (same labels, same resolved image
     * id), without creating anything. Read-only. */
    async planSpecHashes({ service, spec: raw, slots }: PlanSpecHashesInput): Promise<Record<number, string>> {
      const spec = validate(ContainerSpec, raw, 'spec');
      const image = await imageIfAny(docker, spec.image);
      if (!image) throw failure(ErrorType.ImageMissing, `image ${spec.image} is not on host ${hostId}`);
      const { env, secretLabel } = await resolveEnv(spec);
      const out: Record<number, string> = {};
      for (const slot of slots) {
        const labels = managedLabels(service, { [Labels.host]: hostId, ...replicaLabels(slot), ...secretLabel });
        out[slot] = specHash(toCreateBody(spec, `${service}-${slot}`, labels, env), image.Id);
      }
      return out;
    },

    /** Stops a replica and keeps it, stopped, under `keepAs` (an older container there is removed), so a
     * rollback can restart exactly it. Twice: when `name` is gone and `keepAs` exists, it is done. */
    async retireReplica({ name, keepAs }: { name: string; keepAs: string }): Promise<void> {
      const current = await containerIfAny(docker, name);
      if (!current) {
        const kept = await containerIfAny(docker, keepAs);
        if (!kept) throw failure(ErrorType.NotFound, `cannot retire ${name}: neither it nor ${keepAs} exists`);
        return;
      }
      await retire(current, name, keepAs);
    },

    /** Start-first's hand-over: retires `name` (stopped, kept as `keepAs`, as retireReplica) and gives
     * its name to the successor (by id: it may already carry the name). One round trip instead of
     * two. Twice: a name that already belongs to the successor is done; a step done before is skipped. */
    async handOverReplica({
      name,
      keepAs,
      successorId,
    }: {
      name: string;
      keepAs: string;
      successorId: string;
    }): Promise<void> {
      const current = await containerIfAny(docker, name);
      if (current?.Id === successorId) return;
      if (current) await retire(current, name, keepAs);
      await engineCall(`rename container ${successorId.slice(0, 12)} to ${name}`, () =>
        docker.getContainer(successorId).rename({ name }),
      );
    },

    /** Removes a container this rollout made for `slot`: by `id` when the launch returned one; by `name`
     * only when the container there is this service's, for this slot (the rollout removed any leftover
     * under the name before, so what carries these labels now is its own). Anything else under the name
     * — a container Dockhand does not manage, another service's, the slot's original (`spare`) — is
     * left alone: `removed: false`. Twice: gone is done. */
    async removeReplica({
      name,
      id,
      service,
      slot,
      spare,
    }: {
      name: string;
      id?: string;
      service: string;
      slot: number;
      /** An id never to remove (the slot's original replica, which may still hold the name). */
      spare?: string;
    }): Promise<{ removed: boolean; leftAlone?: string }> {
      const ref = id ?? name;
      const c = await containerIfAny(docker, ref);
      if (!c || c.Id === spare) return { removed: false };
      if (!id && !isSlotOf(c, service, slot))
        return { removed: false, leftAlone: `${name} (${c.Id.slice(0, 12)}) is not ${service}'s replica ${slot}` };
      await engineCall(`remove container ${name}`, () => docker.getContainer(c.Id).remove({ force: true }), [404]);
      return { removed: true };
    },

    /** Puts a slot's original replica (by id: it may be stopped and renamed to -prev, or untouched)
     * back under `name`, running, healthy and then healthy for `monitorMs`. What holds `name` meanwhile
     * (this rollout's new replica) is removed first — only when it is this service's replica of this
     * slot; anything else is a Conflict and stays. Twice: the same end state; the health deadline
     * counts from the first attempt. */
    async restoreReplica({
      id,
      name,
      service,
      slot,
      healthTimeoutMs,
      monitorMs,
    }: {
      id: string;
      name: string;
      service: string;
      slot: number;
      healthTimeoutMs: number;
      monitorMs: number;
    }): Promise<{ id: string }> {
      const original = await containerIfAny(docker, id);
      if (!original)
        throw failure(ErrorType.NotFound, `cannot restore ${name}: its original replica ${id.slice(0, 12)} is gone`);
      if (original.Name.replace(/^\//, '') !== name) {
        const holder = await containerIfAny(docker, name);
        if (holder && !isSlotOf(holder, service, slot))
          throw failure(
            ErrorType.Conflict,
            `cannot restore ${name}: the name is held by ${holder.Id.slice(0, 12)}, which is not ${service}'s replica ${slot}`,
            { name, existingId: holder.Id, managedService: holder.Config.Labels?.[Labels.service] },
          );
        if (holder)
          await engineCall(
            `remove container ${name}`,
            () => docker.getContainer(holder.Id).remove({ force: true }),
            [404],
          );
        await engineCall(`rename container ${id.slice(0, 12)} to ${name}`, () =>
          docker.getContainer(id).rename({ name }),
        );
      }
      const startedAt = await startUntilHealthy(docker, id, name, healthTimeoutMs);
      if (monitorMs > 0)
        await staysHealthy(docker, id, name, {
          until: Date.now() + monitorMs,
          pollMs: 1000,
          onLook: () => heartbeat({ startedAt }),
        });
      return { id };
    },

    /** Starts a slot's kept original (by id, under the name it has, e.g. `<slot>-prev`) beside the
     * replica that holds the slot's name, and waits until it is healthy, so the edge can move to it
     * before that replica goes (a restore that never leaves the edge without a member). Refused —
     * `{ started: false, why }`, nothing changed — when it publishes a fixed host port: the replica
     * beside it holds that port, and the Engine would refuse the start ("port is already allocated").
     * Twice: a running original is started already; the health deadline counts from the first attempt. */
    async startReplicaBeside({
      id,
      name: kept,
      healthTimeoutMs,
    }: {
      id: string;
      /** The name it is kept under (what messages call it when it is gone). */
      name: string;
      healthTimeoutMs: number;
    }): Promise<{ started: true } | { started: false; why: string }> {
      const original = await containerIfAny(docker, id);
      if (!original)
        throw failure(ErrorType.NotFound, `cannot start ${kept}: its container ${id.slice(0, 12)} is gone`);
      const name = original.Name.replace(/^\//, '');
      const fixed = fixedHostPorts(original);
      if (fixed.length > 0)
        return {
          started: false,
          why: `${name} publishes fixed host port ${fixed.join(', ')}, which the replica beside it holds`,
        };
      await startUntilHealthy(docker, id, name, healthTimeoutMs);
      return { started: true };
    },

    /** Watches a container (by id: it may be renamed meanwhile) for `durationMs`: fails with Unhealthy
     * or ContainerExited as soon as it stops being healthy. It looks at each engine event of the
     * container and every `pollMs`. Read-only, so running it twice is harmless. */
    async watchHealthy({
      id,
      name,
      durationMs,
      pollMs = 1000,
    }: {
      id: string;
      name: string;
      durationMs: number;
      pollMs?: number;
    }): Promise<void> {
      // The deadline counts from the first attempt: a retry watches only what is left of the period.
      const startedAt = firstAttemptStart();
      await staysHealthy(docker, id, name, {
        until: startedAt + durationMs,
        pollMs,
        onLook: () => heartbeat({ startedAt }),
      });
    },
  };
}

/** True when `c` is `service`'s replica container of `slot` (its labels say so). */
function isSlotOf(c: Docker.ContainerInspectInfo, service: string, slot: number): boolean {
  const labels = c.Config.Labels ?? {};
  return labels[Labels.service] === service && labels[Labels.slot] === String(slot);
}

/** The host ports `c` binds by number (0 or empty: the Engine picks a free one, which never collides). */
function fixedHostPorts(c: Docker.ContainerInspectInfo): string[] {
  const map: Record<string, Docker.PortBinding[] | null> =
    (c.HostConfig.PortBindings as Docker.PortMap | undefined) ?? {};
  const bindings = Object.values(map);
  return [
    ...new Set(
      bindings
        .flatMap((b) => b ?? [])
        .map((b) => b.HostPort ?? '')
        .filter((p) => p !== '' && p !== '0'),
    ),
  ];
}

/** Starts a container (by id; started already is fine) and waits until `name` is healthy, heartbeating;
 * the deadline counts from the activity's first attempt, which it returns. */
async function startUntilHealthy(docker: Docker, id: string, name: string, healthTimeoutMs: number): Promise<number> {
  await engineCall(`start container ${name}`, () => docker.getContainer(id).start(), [304]);
  const startedAt = firstAttemptStart();
  await untilHealthy(docker, name, {
    startedAt,
    timeoutMs: healthTimeoutMs,
    pollMs: 1000,
    onLook: () => heartbeat({ startedAt }),
  });
  return startedAt;
}
