import type Docker from 'dockerode';
import { ErrorType, failure } from '../../common/errors';
import { Labels } from '../../common/labels';
import type {
  ChangedResult,
  ConnectNetworkInput,
  DisconnectNetworkInput,
  EnsureNetworkInput,
  EnsureNetworkResult,
  NetworkSummary,
  PruneInput,
  PruneNetworksResult,
} from '../../common/docker-activities';
import { engineCall } from './engine-errors';

export type { EnsureNetworkInput, EnsureNetworkResult } from '../../common/docker-activities';

export function createNetworkActivities(docker: Docker) {
  const containerNetworks = async (container: string) =>
    (await engineCall(`inspect container ${container}`, () => docker.getContainer(container).inspect()))!
      .NetworkSettings.Networks ?? {};

  return {
    /** Makes sure a user-defined bridge network exists. Twice: the second run finds it and creates nothing. */
    async ensureNetwork({ name, labels, internal }: EnsureNetworkInput): Promise<EnsureNetworkResult> {
      const existing = await engineCall(`inspect network ${name}`, () => docker.getNetwork(name).inspect(), [404]);
      if (existing) return { id: existing.Id, created: false };
      // 409: another run created it between our inspect and create — the wanted state holds.
      const created = await engineCall(
        `create network ${name}`,
        () =>
          docker.createNetwork({
            Name: name,
            Driver: 'bridge',
            Labels: labels,
            Internal: internal,
            CheckDuplicate: true,
          }),
        [409],
      );
      if (created) return { id: created.id, created: true };
      const raced = await engineCall(`inspect network ${name}`, () => docker.getNetwork(name).inspect());
      return { id: raced!.Id, created: false };
    },

    /** Connects a container to a network under extra DNS aliases. Twice: already connected is success
     * (changed=false). */
    async connectNetwork({ network, container, aliases }: ConnectNetworkInput): Promise<ChangedResult> {
      if (network in (await containerNetworks(container))) return { changed: false };
      // 403: "endpoint already exists" — a concurrent run connected it first.
      const done = await engineCall(
        `connect ${container} to network ${network}`,
        () =>
          docker
            .getNetwork(network)
            .connect({ Container: container, EndpointConfig: { Aliases: aliases?.length ? aliases : undefined } })
            .then(() => true),
        [403],
      );
      if (done) return { changed: true };
      if (network in (await containerNetworks(container))) return { changed: false };
      throw failure(ErrorType.Conflict, `connect ${container} to network ${network}: the Engine refused it`);
    },

    /** Disconnects a container from a network. Twice: not connected (or container gone) is success
     * (changed=false). */
    async disconnectNetwork({ network, container, force = false }: DisconnectNetworkInput): Promise<ChangedResult> {
      const info = await engineCall(
        `inspect container ${container}`,
        () => docker.getContainer(container).inspect(),
        [404],
      );
      if (!info || !(network in (info.NetworkSettings.Networks ?? {}))) return { changed: false };
      await engineCall(`disconnect ${container} from network ${network}`, () =>
        docker.getNetwork(network).disconnect({ Container: container, Force: force }),
      );
      return { changed: true };
    },

    /** Removes a network. Twice: "no such network" is success (changed=false); a network containers
     * still use is a Conflict. */
    async removeNetwork({ name }: { name: string }): Promise<ChangedResult> {
      const done = await engineCall(
        `remove network ${name}`,
        () =>
          docker
            .getNetwork(name)
            .remove()
            .then(() => true),
        [404],
      );
      return { changed: done === true };
    },

    /** Removes Dockhand's networks no container uses, narrowed by label filters; `dryRun` only lists.
     * Twice: the second run finds nothing left. */
    async pruneNetworks({ labels = [], dryRun = false }: PruneInput = {}): Promise<PruneNetworksResult> {
      const networks = await unusedNetworks(docker, [`${Labels.managed}=true`, ...labels]);
      if (!dryRun)
        for (const n of networks)
          await engineCall(`remove network ${n.name}`, () => docker.getNetwork(n.id).remove(), [403, 404]);
      return { networks, removed: !dryRun };
    },
  };
}

/** Networks matching the label filters with no container attached (the list call leaves
 * Containers empty, so each one is inspected). */
export async function unusedNetworks(docker: Docker, labels: string[]): Promise<NetworkSummary[]> {
  const list = (await engineCall('list networks', () =>
    docker.listNetworks({ filters: JSON.stringify({ label: labels }) } as object),
  ))!;
  const unused: NetworkSummary[] = [];
  for (const n of list) {
    const info = await engineCall(`inspect network ${n.Name}`, () => docker.getNetwork(n.Id).inspect(), [404]);
    if (info && Object.keys(info.Containers ?? {}).length === 0)
      unused.push({ id: n.Id, name: n.Name, labels: n.Labels ?? {} });
  }
  return unused;
}
