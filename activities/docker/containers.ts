import type Docker from 'dockerode';
import { ContainerSpec } from '../../common/spec/container-spec';
import { validate } from '../../common/spec/validate';
import { ErrorType, failure, type ConflictDetails } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import { engineCall } from './engine-errors';
import { toCreateBody } from './create-body';
import { specHash } from './spec-hash';
import { resolveSecretEnv } from './secrets';
import { readEnvFiles } from './env-files';
import { toContainerView, type ContainerView } from './container-view';

export interface CreateContainerInput {
  name: string;
  service: string;
  spec: ContainerSpec;
  /** Extra Dockhand labels (slot, color, revision). */
  labels?: Record<string, string>;
}
export interface CreateContainerResult { id: string; name: string; specHash: string; created: boolean }

export function createContainerActivities(docker: Docker, hostId: string) {
  return {
    /** Creates (without starting) a container under a deterministic name. Twice: the same spec hash
     * returns the existing id; another hash, or a container that is not Dockhand's, fails with a typed
     * Conflict whose details say whose it is. */
    async createContainer(input: CreateContainerInput): Promise<CreateContainerResult> {
      const spec = validate(ContainerSpec, input.spec, 'spec');
      const image = await engineCall(`inspect image ${spec.image}`, () => docker.getImage(spec.image).inspect(), [404]);
      if (!image) throw failure(ErrorType.ImageMissing, `image ${spec.image} is not on host ${hostId}`);
      const env = { ...(await readEnvFiles(spec.envFiles)), ...spec.env, ...(await resolveSecretEnv(spec.secretEnv)) };
      const labels = managedLabels(input.service, { [Labels.host]: hostId, ...input.labels });
      const body = toCreateBody(spec, input.name, labels, env);
      const hash = specHash(body, image.Id);
      body.Labels = { ...body.Labels, [Labels.specHash]: hash };

      const existing = await engineCall(`inspect container ${input.name}`, () => docker.getContainer(input.name).inspect(), [404]);
      if (existing) return sameOrConflict(existing, input.name, hash);
      // 409: created by a concurrent run of this activity between inspect and create.
      const created = await engineCall(`create container ${input.name}`, () => docker.createContainer(body), [409]);
      if (created) return { id: created.id, name: input.name, specHash: hash, created: true };
      const raced = await engineCall(`inspect container ${input.name}`, () => docker.getContainer(input.name).inspect());
      return sameOrConflict(raced!, input.name, hash);
    },

    /** Starts a container. Twice: "already started" (304) is success. */
    async startContainer({ name }: { name: string }): Promise<void> {
      await engineCall(`start container ${name}`, () => docker.getContainer(name).start(), [304]);
    },

    /** Removes a container (force: also when running). Twice: "no such container" (404) is success. */
    async removeContainer({ name, force = true, volumes = false }: { name: string; force?: boolean; volumes?: boolean }): Promise<{ removed: boolean }> {
      const done = await engineCall(`remove container ${name}`, () => docker.getContainer(name).remove({ force, v: volumes }).then(() => true), [404]);
      return { removed: done === true };
    },

    /** The typed subset of inspect; NotFound when there is no such container. Read-only. */
    async inspectContainer({ name }: { name: string }): Promise<ContainerView> {
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      return toContainerView(info!);
    },
  };
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
  const whose = details.managedService ? `Dockhand's container of service ${details.managedService} with another spec` : 'a container Dockhand does not manage';
  throw failure(ErrorType.Conflict, `the name ${name} is taken by ${whose} (${existing.Id.slice(0, 12)})`, details);
}
