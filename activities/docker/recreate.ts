import type Docker from 'dockerode';
import { ErrorType, failure } from '../../common/errors';
import { Labels } from '../../common/labels';
import type { MemoryLimits } from '../../common/remediation/memory-pressure';
import { engineCall } from './engine-errors';

/** The temporary name of a container's replacement until the old one is gone. */
export const stagingName = (name: string) => `${name}-recreate`;

/** The create body of a copy of `info` (same config, host config and networks) with other memory
 * limits. Engine API 1.41 takes one network at create; the others are connected before the start. */
export function recreateBody(
  info: Docker.ContainerInspectInfo,
  name: string,
  limits: MemoryLimits,
): { body: Docker.ContainerCreateOptions; moreNetworks: Array<[string, Docker.EndpointSettings]> } {
  const { Hostname, ...config } = info.Config;
  const networks = Object.entries(info.NetworkSettings.Networks ?? {}).map(
    ([net, ep]): [string, Docker.EndpointSettings] => [
      net,
      // The old container's short id is one of its aliases; the copy gets its own.
      {
        Aliases: ((ep.Aliases as string[] | null) ?? []).filter((a) => !info.Id.startsWith(a)),
        ...(ep.IPAMConfig ? { IPAMConfig: ep.IPAMConfig as Docker.EndpointSettings['IPAMConfig'] } : {}),
      },
    ],
  );
  const primary = networks.find(([net]) => net === info.HostConfig.NetworkMode) ?? networks[0];
  const body = {
    ...config,
    // The engine's default hostname is the short id: keep a chosen one only.
    ...(Hostname && !info.Id.startsWith(Hostname) ? { Hostname } : {}),
    name,
    Labels: { ...info.Config.Labels, [Labels.recreatedFrom]: info.Id },
    HostConfig: { ...info.HostConfig, Memory: limits.memory, MemorySwap: limits.memorySwap },
    ...(primary ? { NetworkingConfig: { EndpointsConfig: { [primary[0]]: primary[1] } } } : {}),
  } as Docker.ContainerCreateOptions;
  return { body, moreNetworks: networks.filter((n) => n !== primary) };
}

export function createRecreateActivities(docker: Docker) {
  const inspect = (name: string) =>
    engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect(), [404]);
  const isReplacement = (c: Docker.ContainerInspectInfo, limits: MemoryLimits) =>
    c.Config.Labels?.[Labels.recreatedFrom] !== undefined && c.HostConfig.Memory === limits.memory;
  /** Connects `copy` to the networks of `source` it is not on yet (with their aliases); the copy as it
   * is now. Twice: nothing is missing, nothing is connected. */
  const joinMissingNetworks = async (
    source: Docker.ContainerInspectInfo,
    copy: Docker.ContainerInspectInfo,
    staging: string,
    limits: MemoryLimits,
  ): Promise<Docker.ContainerInspectInfo> => {
    const has = copy.NetworkSettings.Networks ?? {};
    const missing = recreateBody(source, staging, limits).moreNetworks.filter(([net]) => !(net in has));
    for (const [net, ep] of missing)
      // 403 "endpoint already exists": a concurrent attempt connected it first.
      await engineCall(
        `connect ${staging} to ${net}`,
        () => docker.getNetwork(net).connect({ Container: copy.Id, EndpointConfig: ep }),
        [403],
      );
    return missing.length ? (await inspect(staging))! : copy;
  };
  return {
    /** Replaces a stopped container by a copy with new memory limits under the same name, and starts
     * it: stage the copy as <name>-recreate, remove the old one, rename the copy, start. Twice (or after
     * a crash at any step): it reads which step was reached from what exists and goes on from there. */
    async recreateWithMemory({
      name,
      limits,
    }: {
      name: string;
      limits: MemoryLimits;
    }): Promise<{ id: string; replaced?: string }> {
      const staging = stagingName(name);
      let current = await inspect(name);
      let replaced: string | undefined;
      if (!current || !isReplacement(current, limits)) {
        const staged = await inspect(staging);
        let copy = staged && isReplacement(staged, limits) ? staged : undefined;
        if (!copy) {
          if (!current)
            throw failure(ErrorType.NotFound, `recreate ${name}: neither ${name} nor a staged ${staging} exists`);
          if (staged)
            await engineCall(
              `remove container ${staging}`,
              () => docker.getContainer(staged.Id).remove({ force: true }),
              [404],
            );
          const { body } = recreateBody(current, staging, limits);
          await engineCall(`create container ${staging}`, () => docker.createContainer(body));
          copy = (await inspect(staging))!;
        }
        // On every attempt while the old container still exists: a crash between the create and the
        // connects leaves a staged copy on the primary network only, which must not pass for complete.
        if (current && copy.Config.Labels?.[Labels.recreatedFrom] === current.Id)
          copy = await joinMissingNetworks(current, copy, staging, limits);
        replaced = copy.Config.Labels?.[Labels.recreatedFrom];
        // The old container goes by id (never by name: the name may already be the copy's).
        if (replaced)
          await engineCall(
            `remove container ${replaced}`,
            () => docker.getContainer(replaced!).remove({ force: true }),
            [404],
          );
        await engineCall(`rename ${staging} to ${name}`, () => docker.getContainer(copy.Id).rename({ name }));
        current = copy;
      }
      await engineCall(`start container ${name}`, () => docker.getContainer(current.Id).start(), [304]);
      return { id: current.Id, ...(replaced ? { replaced } : {}) };
    },
  };
}
