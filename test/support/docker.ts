import Docker from 'dockerode';
import { Labels } from '../../common/labels';

export const docker = new Docker();

/** Removes every container and network Dockhand made for one service (test clean-up). */
export async function removeService(service: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${Labels.service}=${service}`] } });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

export async function containersOf(service: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${Labels.service}=${service}`] } });
}

export async function removeNetwork(name: string): Promise<void> {
  await docker
    .getNetwork(name)
    .remove()
    .catch(() => undefined);
}
