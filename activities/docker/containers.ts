import type Docker from 'dockerode';
import { ContainerSpec } from '../../common/spec/container-spec';
import { validate } from '../../common/spec/validate';
import { ErrorType, failure, type ConflictDetails } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import { engineCall } from './engine-errors';
import { containerIfAny, imageIfAny } from './inspect-if-any';
import { toCreateBody, toUpdateBody } from './create-body';
import { specHash } from './spec-hash';
import { resolveEnv } from './spec-env';
import { toContainerView, type ContainerView } from './container-view';
import { heartbeating } from './long-running';
import { ownerOfContainer } from './ownership';
import { exitCodeMeaning } from '../../common/exit-codes';
import type {
  ChangedResult,
  ContainerRef,
  KillContainerInput,
  KillContainerResult,
  RemoveContainerInput,
  RenameContainerInput,
  StopContainerInput,
  UpdateContainerInput,
  UpdateContainerResult,
  WaitContainerInput,
  WaitContainerResult,
} from '../../common/docker-activities';
import { ResourcesUpdate } from '../../common/spec/resources';

export interface CreateContainerInput {
  name: string;
  service: string;
  spec: ContainerSpec;
  /** Extra Dockhand labels (slot, color, revision). */
  labels?: Record<string, string>;
}
export interface CreateContainerResult {
  id: string;
  name: string;
  specHash: string;
  created: boolean;
}

export function createContainerActivities(docker: Docker, hostId: string) {
  return {
    /** Creates (without starting) a container under a deterministic name. Twice: the same spec hash
     * returns the existing id; another hash, or a container that is not Dockhand's, fails with a typed
     * Conflict whose details say whose it is. */
    async createContainer(input: CreateContainerInput): Promise<CreateContainerResult> {
      const spec = validate(ContainerSpec, input.spec, 'spec');
      const image = await imageIfAny(docker, spec.image);
      if (!image) throw failure(ErrorType.ImageMissing, `image ${spec.image} is not on host ${hostId}`);
      const { env, secretLabel } = await resolveEnv(spec);
      const labels = managedLabels(input.service, { [Labels.host]: hostId, ...input.labels, ...secretLabel });
      const body = toCreateBody(spec, input.name, labels, env);
      const hash = specHash(body, image.Id);
      body.Labels = { ...body.Labels, [Labels.specHash]: hash };

      const existing = await containerIfAny(docker, input.name);
      if (existing) return sameOrConflict(existing, input.name, hash);
      // 409: created by a concurrent run of this activity between inspect and create.
      const created = await engineCall(`create container ${input.name}`, () => docker.createContainer(body), [409]);
      if (created) return { id: created.id, name: input.name, specHash: hash, created: true };
      const raced = await engineCall(`inspect container ${input.name}`, () =>
        docker.getContainer(input.name).inspect(),
      );
      return sameOrConflict(raced!, input.name, hash);
    },

    /** Starts a container. Twice: "already started" (304) is success. */
    async startContainer({ name }: { name: string }): Promise<void> {
      await engineCall(`start container ${name}`, () => docker.getContainer(name).start(), [304]);
    },

    /** Stops a container (stop signal, then SIGKILL after `timeoutS`). Twice: "already stopped" (304)
     * is success with changed=false; a missing container is NotFound. */
    async stopContainer({ name, timeoutS }: StopContainerInput): Promise<ChangedResult> {
      const done = await heartbeating((abortSignal) =>
        engineCall(
          `stop container ${name}`,
          () =>
            docker
              .getContainer(name)
              .stop({ t: timeoutS, abortSignal })
              .then(() => true),
          [304],
        ),
      );
      return { changed: done === true };
    },

    /** Restarts a container (stops it with `timeoutS`, starts it). Twice: restarts it again — a
     * restart is never a no-op, so call it only where a second restart is harmless. */
    async restartContainer({ name, timeoutS }: StopContainerInput): Promise<void> {
      await heartbeating((abortSignal) =>
        engineCall(`restart container ${name}`, () => docker.getContainer(name).restart({ t: timeoutS, abortSignal })),
      );
    },

    /** Freezes a running container's processes. Twice: already paused is success (changed=false);
     * a stopped container fails with NotRunning. */
    async pauseContainer({ name }: ContainerRef): Promise<ChangedResult> {
      return toggle(docker, name, 'pause');
    },

    /** Thaws a paused container. Twice: not paused is success (changed=false). */
    async unpauseContainer({ name }: ContainerRef): Promise<ChangedResult> {
      return toggle(docker, name, 'unpause');
    },

    /** Sends a signal (SIGKILL by default) to the main process. Twice: the signal is sent again while
     * the container runs; a container that is not running is left alone (signalled=false). */
    async killContainer({ name, signal = 'SIGKILL' }: KillContainerInput): Promise<KillContainerResult> {
      if (!/^(SIG[A-Z0-9]+|\d+)$/.test(signal))
        throw failure(ErrorType.BadSpec, `signal: "${signal}" is not a signal name such as SIGUSR1`);
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      if (!info!.State.Running) return { signalled: false };
      // 409: it stopped between inspect and kill — nothing left to signal.
      const sent = await engineCall(
        `kill container ${name} with ${signal}`,
        () =>
          docker
            .getContainer(name)
            .kill({ signal })
            .then(() => true),
        [409],
      );
      return { signalled: sent === true };
    },

    /** Waits for the container to stop and reports its exit code with its meaning (137 = SIGKILL or
     * OOM, …). Read-only: twice reports the same exit again. Heartbeats; fails with WaitTimeout after
     * `timeoutMs`; ends at once when cancelled. */
    async waitContainer({ name, timeoutMs }: WaitContainerInput): Promise<WaitContainerResult> {
      const timedOut = new AbortController();
      const timer = setTimeout(() => timedOut.abort(), timeoutMs);
      try {
        await heartbeating((cancelled) =>
          engineCall(`wait for container ${name}`, () =>
            docker
              .getContainer(name)
              .wait({ condition: 'not-running', abortSignal: AbortSignal.any([cancelled, timedOut.signal]) }),
          ),
        );
      } catch (e) {
        if (timedOut.signal.aborted)
          throw failure(ErrorType.WaitTimeout, `${name} was still running after ${timeoutMs} ms`);
        throw e;
      } finally {
        clearTimeout(timer);
      }
      // Inspect, not the wait body: it also says whether the OOM killer ended it.
      const s = (await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect()))!.State;
      return {
        exitCode: s.ExitCode,
        meaning: exitCodeMeaning(s.ExitCode) ?? (s.OOMKilled ? 'killed by the OOM killer' : undefined),
        oomKilled: s.OOMKilled,
        error: s.Error,
      };
    },

    /** Changes resource limits and the restart policy of a container in place (`docker update`).
     * Twice: the same values again, no change. The spec-hash label keeps describing the create spec. */
    async updateContainer({ name, resources }: UpdateContainerInput): Promise<UpdateContainerResult> {
      const update = validate(ResourcesUpdate, resources, 'resources');
      const r = await engineCall<unknown>(`update container ${name}`, () =>
        docker.getContainer(name).update(toUpdateBody(update)),
      );
      return { warnings: ((r as { Warnings?: string[] | null } | undefined)?.Warnings ?? []).filter(Boolean) };
    },

    /** Renames a container. Twice: when the old name is gone and the new one exists it was already
     * renamed (changed=false); a new name taken by another container is a Conflict. */
    async renameContainer({ name, newName }: RenameContainerInput): Promise<ChangedResult> {
      const current = await containerIfAny(docker, name);
      if (!current) {
        const renamed = await containerIfAny(docker, newName);
        if (renamed) return { changed: false };
        throw failure(ErrorType.NotFound, `rename container ${name}: no container named ${name} (nor ${newName})`);
      }
      if (current.Name === `/${newName}`) return { changed: false };
      await engineCall(`rename container ${name} to ${newName}`, () =>
        docker.getContainer(name).rename({ name: newName }),
      );
      return { changed: true };
    },

    /** Removes a container (force: also when running) — only one Dockhand can prove it owns (review C1):
     * with `id`, exactly that container (what a create returned; a name now held by another container
     * is not touched); otherwise the container under `name` must carry Dockhand's ownership labels (not
     * inherited from its image) and, with `service`, be that service's — anything else is refused with
     * a typed Conflict naming whose it is. Twice: "no such container" (404) is success. */
    async removeContainer({
      name,
      id,
      service,
      requireLabels,
      force = true,
      volumes = false,
    }: RemoveContainerInput): Promise<{ removed: boolean }> {
      let target = id;
      if (!target) {
        const info = await containerIfAny(docker, name);
        if (!info) return { removed: false };
        const labels = info.Config.Labels ?? {};
        const proven = requireLabels && Object.entries(requireLabels).every(([k, v]) => labels[k] === v);
        const owner = requireLabels ? (proven ? '' : undefined) : await ownerOfContainer(docker, info);
        if (owner === undefined || (service !== undefined && owner !== service)) {
          const details: ConflictDetails = { name, existingId: info.Id, managedService: owner || undefined };
          const whose = requireLabels
            ? `not labelled ${Object.entries(requireLabels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}`
            : owner
              ? `service ${owner}'s, not ${service}'s`
              : 'not a container Dockhand manages';
          throw failure(
            ErrorType.Conflict,
            `remove container ${name}: it is ${whose} (${info.Id.slice(0, 12)}); left alone`,
            details,
          );
        }
        target = info.Id; // the container just checked, even if the name moves meanwhile
      }
      const done = await engineCall(
        `remove container ${name}`,
        () =>
          docker
            .getContainer(target)
            .remove({ force, v: volumes })
            .then(() => true),
        [404],
      );
      return { removed: done === true };
    },

    /** The typed subset of inspect; NotFound when there is no such container. Read-only. */
    async inspectContainer({ name }: { name: string }): Promise<ContainerView> {
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      return toContainerView(info!);
    },
  };
}

async function toggle(docker: Docker, name: string, action: 'pause' | 'unpause'): Promise<ChangedResult> {
  const wantPaused = action === 'pause';
  const state = async () =>
    (await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect()))!.State;
  const before = await state();
  if (before.Paused === wantPaused) return { changed: false };
  if (!before.Running)
    throw failure(ErrorType.NotRunning, `${action} container ${name}: it is not running (${before.Status})`);
  // 409: a concurrent run got there first; the wanted state holds if the re-inspect says so.
  const done = await engineCall(
    `${action} container ${name}`,
    async () => {
      const container = docker.getContainer(name);
      await container[action]();
      return true;
    },
    [409],
  );
  if (done) return { changed: true };
  const after = await state();
  if (after.Paused === wantPaused) return { changed: false };
  throw failure(ErrorType.NotRunning, `${action} container ${name}: it is not running (${after.Status})`);
}

function sameOrConflict(existing: Docker.ContainerInspectInfo, name: string, hash: string): CreateContainerResult {
  const labels = existing.Config.Labels ?? {};
  if (labels[Labels.specHash] === hash) return { id: existing.Id, name, specHash: hash, created: false };
  const details: ConflictDetails = {
    name,
    existingId: existing.Id,
    managedService: labels[Labels.managed] === 'true' ? labels[Labels.service] : undefined,
    existingSpecHash: labels[Labels.specHash],
  };
  const whose = details.managedService
    ? `Dockhand's container of service ${details.managedService} with another spec`
    : 'a container Dockhand does not manage';
  throw failure(ErrorType.Conflict, `the name ${name} is taken by ${whose} (${existing.Id.slice(0, 12)})`, details);
}
