import type Docker from 'dockerode';
import type { ServiceContainer } from '../../common/blue-green-plan';
import { Labels } from '../../common/labels';
import { engineCall } from './engine-errors';

export function createServiceContainerActivities(docker: Docker) {
  return {
    /** Every container (running or not) labelled as this service's, with its color. Read-only. */
    async listServiceContainers({ service }: { service: string }): Promise<ServiceContainer[]> {
      const list = await engineCall(`list containers of ${service}`, () =>
        docker.listContainers({
          all: true,
          filters: { label: [`${Labels.managed}=true`, `${Labels.service}=${service}`] },
        }),
      );
      return list!
        .map((c): ServiceContainer => {
          const color = c.Labels[Labels.color];
          // listContainers reports health only inside Status: "Up 3 minutes (healthy)".
          const health = /\((?:health: )?(healthy|unhealthy|starting)\)/.exec(c.Status ?? '')?.[1];
          return {
            name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
            image: c.Image,
            ...(color === 'blue' || color === 'green' ? { color } : {}),
            running: c.State === 'running',
            ...(health ? { health } : {}),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
