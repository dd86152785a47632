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
  await removeContainers(containers.map((c) => c.Id));
}

/** Force-removes the containers (names or ids), running or not; one already gone is fine. One at a time:
 * Docker 20.10 before 20.10.27 (Debian bookworm's docker.io) can deadlock for good when containers of one
 * network go at the same instant (moby/moby#46661), and a clean-up that removed a service's containers at
 * once hung the engine for every later test. */
export async function removeContainers(names: string[]): Promise<void> {
  for (const n of names)
    await docker
      .getContainer(n)
      .remove({ force: true })
      .catch(() => undefined);
}

/** Creates and starts a container of a fixture image under Docker's init: the fixture's busybox httpd,
 * as PID 1, would ignore the SIGTERM of a stop or restart. */
export async function startUnderInit(
  name: string,
  image: string,
  labels: Record<string, string> = {},
): Promise<Docker.Container> {
  const c = await docker.createContainer({ name, Image: image, Labels: labels, HostConfig: { Init: true } });
  await c.start();
  return c;
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
