import type Docker from 'dockerode';
import { ContainerSpec, type ContainerSpecInput } from '../../common/spec/container-spec';
import { validate } from '../../common/spec/validate';
import { ErrorType, failure } from '../../common/errors';
import { Labels, RESERVED_LABEL_PREFIX } from '../../common/labels';
import { engineCall } from './engine-errors';
import { toCreateBody } from './create-body';
import { specFromInspect } from './spec-from-inspect';
import { unmodelledSettings } from './unmodelled-settings';
import { specHash } from './spec-hash';

/** What the harden workflow plans on: the container's spec as it runs (no env values). */
export interface HardenSource {
  id: string;
  name: string;
  running: boolean;
  spec: ContainerSpecInput;
  /** Container ports the image exposes ("8080/tcp" → 8080). */
  exposedPorts: number[];
}

export interface CreateHardenedInput {
  /** Id of the container being hardened: its env values and Dockhand labels are copied. */
  sourceId: string;
  name: string;
  spec: ContainerSpecInput;
}

export function createHardenActivities(docker: Docker) {
  return {
    /** Reads a container's spec for hardening; NotFound when it is gone; Unsupported (naming each
     * field) when it runs with settings the spec cannot carry to the hardened copy. Read-only. */
    async readHardenSource({ name }: { name: string }): Promise<HardenSource> {
      const info = (await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect()))!;
      const engine = (await engineCall('read the engine info', () => docker.info())) as { DefaultRuntime?: string };
      const lost = unmodelledSettings(info, engine.DefaultRuntime ?? 'runc');
      if (lost.length)
        throw failure(
          ErrorType.Unsupported,
          `${name} uses settings a hardened copy would lose: ${lost.join(', ')}; nothing changed (harden it by hand, or recreate it without them first)`,
          { unmodelled: lost },
        );
      const exposed = Object.keys(info.Config.ExposedPorts ?? {});
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        running: info.State.Running,
        spec: specFromInspect(info),
        exposedPorts: exposed.map((p) => Number(p.split('/')[0])),
      };
    },

    /** Creates (without starting) the hardened copy of a container under `name`: the given spec, with
     * the old container's environment and Dockhand labels, on the exact image it runs. Twice: a
     * container under `name` made from the same source is returned; anything else there is a Conflict. */
    async createHardenedContainer({
      sourceId,
      name,
      spec: raw,
    }: CreateHardenedInput): Promise<{ id: string; created: boolean }> {
      const spec = validate(ContainerSpec, raw, 'spec');
      const existing = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect(), [404]);
      if (existing) {
        if (existing.Config.Labels?.[Labels.hardenedFrom] === sourceId) return { id: existing.Id, created: false };
        throw failure(
          ErrorType.Conflict,
          `the name ${name} is taken by another container (${existing.Id.slice(0, 12)})`,
        );
      }
      const source = (await engineCall(`inspect container ${sourceId}`, () =>
        docker.getContainer(sourceId).inspect(),
      ))!;
      const image = await engineCall(`inspect image ${spec.image}`, () => docker.getImage(spec.image).inspect(), [404]);
      if (!image) throw failure(ErrorType.ImageMissing, `image ${spec.image} is no longer on this host`);
      if (image.Id !== source.Image)
        throw failure(
          ErrorType.Conflict,
          `${spec.image} now names another image than ${source.Name.slice(1)} runs; recreating would change its version, not only its hardening`,
        );
      const env = Object.fromEntries(
        (source.Config.Env ?? []).map((e) =>
          e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, ''],
        ),
      );
      const own = Object.entries(source.Config.Labels ?? {}).filter(
        ([k]) => k.startsWith(RESERVED_LABEL_PREFIX) && k !== Labels.specHash,
      );
      const body = toCreateBody(spec, name, { ...Object.fromEntries(own), [Labels.hardenedFrom]: sourceId }, env);
      // A container Dockhand manages keeps a spec hash that describes what it runs now.
      if (own.some(([k]) => k === Labels.managed))
        body.Labels = { ...body.Labels, [Labels.specHash]: specHash(body, image.Id) };
      const created = await engineCall(`create container ${name}`, () => docker.createContainer(body));
      return { id: created!.id, created: true };
    },
  };
}
export type HardenActivities = ReturnType<typeof createHardenActivities>;
