import Docker from 'dockerode';
import { Labels } from '../../common/labels';

export const docker = new Docker();

/** Removes every container Dockhand made for one service (test clean-up). */
export async function removeService(service: string): Promise<void> {
  await removeContainersLabelled(`${Labels.service}=${service}`);
}

/** Force-removes every container carrying the label (`key=value`), running or not; one already gone is fine. */
export async function removeContainersLabelled(label: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
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
