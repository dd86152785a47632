import type Docker from 'dockerode';
import { heartbeat } from '@temporalio/activity';
import { toContainerView } from './container-view';
import { withContainerWake } from './container-wake';
import { heartbeating } from './long-running';
import { ContainerSpec } from '../../common/spec/container-spec';
import { validate } from '../../common/spec/validate';
import { ErrorType, failure } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import { engineCall } from './engine-errors';
import { toCreateBody } from './create-body';
import { specHash } from './spec-hash';
import { resolveSecretEnv } from './secrets';
import { replicaLabels, type ReplicaInfo } from '../../common/rolling-update';

export interface PlanSpecHashesInput {
  service: string;
  spec: ContainerSpec;
  slots: number[];
}

export function createReplicaActivities(docker: Docker, hostId: string) {
  /** Stops the replica (heartbeating: an agent killed meanwhile is noticed in seconds) and keeps it,
   * stopped, as `keepAs`. */
  const retire = async (id: string, name: string, keepAs: string) => {
    await heartbeating((abortSignal) =>
      engineCall(`stop container ${name}`, () => docker.getContainer(id).stop({ abortSignal }), [304, 404]),
    );
    await engineCall(`remove container ${keepAs}`, () => docker.getContainer(keepAs).remove({ force: true }), [404]);
    await engineCall(`rename container ${name} to ${keepAs}`, () => docker.getContainer(id).rename({ name: keepAs }));
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
      const image = await engineCall(`inspect image ${spec.image}`, () => docker.getImage(spec.image).inspect(), [404]);
      if (!image) throw failure(ErrorType.ImageMissing, `image ${spec.image} is not on host ${hostId}`);
      const env = { ...spec.env, ...(await resolveSecretEnv(spec.secretEnv)) };
      const out: Record<number, string> = {};
      for (const slot of slots) {
        const labels = managedLabels(service, { [Labels.host]: hostId, ...replicaLabels(slot) });
        out[slot] = specHash(toCreateBody(spec, `${service}-${slot}`, labels, env), image.Id);
      }
      return out;
    },

    /** Stops a replica and keeps it, stopped, under `keepAs` (an older container there is removed), so a
     * rollback can restart exactly it. Twice: when `name` is gone and `keepAs` exists, it is done. */
    async retireReplica({ name, keepAs }: { name: string; keepAs: string }): Promise<void> {
      const current = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect(), [404]);
      if (!current) {
        const kept = await engineCall(
          `inspect container ${keepAs}`,
          () => docker.getContainer(keepAs).inspect(),
          [404],
        );
        if (!kept) throw failure(ErrorType.NotFound, `cannot retire ${name}: neither it nor ${keepAs} exists`);
        return;
      }
      await retire(current.Id, name, keepAs);
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
      const current = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect(), [404]);
      if (current?.Id === successorId) return;
      if (current) await retire(current.Id, name, keepAs);
      await engineCall(`rename container ${successorId.slice(0, 12)} to ${name}`, () =>
        docker.getContainer(successorId).rename({ name }),
      );
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
      const until = Date.now() + durationMs;
      await withContainerWake(docker, id, async (wake) => {
        for (;;) {
          const view = toContainerView(
            (await engineCall(`inspect container ${name}`, () => docker.getContainer(id).inspect()))!,
          );
          if (!view.state.running)
            throw failure(
              ErrorType.ContainerExited,
              `${name} exited with code ${view.state.exitCode} during its monitor period`,
            );
          if (view.health && view.health.status !== 'healthy') {
            const log = view.health.log.map((l) => `[exit ${l.exitCode}] ${l.output.trim()}`).join('\n');
            throw failure(
              ErrorType.Unhealthy,
              `${name} became ${view.health.status} during its monitor period; health log:\n${log || '(empty)'}`,
            );
          }
          if (Date.now() >= until) return;
          heartbeat();
          await wake.next(Math.min(pollMs, Math.max(0, until - Date.now())));
        }
      });
    },
  };
}
