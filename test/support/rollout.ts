import type { Client } from '@temporalio/client';
import { rolloutOutcome, startRollingUpdate } from '../../client/rolling-update';
import type { DockhandConfig } from '../../common/config';
import { Labels } from '../../common/labels';
import type { RollingUpdateRequest } from '../../common/rolling-update';
import { docker, removeNetwork, removeService } from './docker';
import { useTestWorkers } from './harness';
export { waitFor } from './wait';

/** A replicated fixture service for rollout tests: its requests, its containers, its clean-up. */
export function fixtureService(client: Client, config: DockhandConfig, service: string) {
  const network = `${service}-net`;
  const request = (image: string, extra: Partial<RollingUpdateRequest> = {}): RollingUpdateRequest => ({
    service,
    host: config.hostId,
    // init: busybox httpd as PID 1 ignores SIGTERM, so a stop would wait the whole grace period.
    // The image's own check (interval 1s) with a timeout and retries that survive a machine loaded many
    // times over: a check that merely runs late must not count as the replica failing.
    spec: {
      image: `dockhand-fixture-app:${image}`,
      init: true,
      network,
      healthcheck: tolerant('http://127.0.0.1:8080/health'),
    },
    monitor: '1s',
    healthTimeout: '20s',
    edge: { ports: [{ container: 80, hostIp: '127.0.0.1' }], healthcheck: tolerant('http://127.0.0.1/__edge/health') },
    ...extra,
  });
  return {
    service,
    request,
    start: (image: string, extra?: Partial<RollingUpdateRequest>) =>
      startRollingUpdate(client, config, request(image, extra)),
    /** Rolls to `image` and waits for the outcome (also when it rolled back). */
    roll: async (image: string, extra?: Partial<RollingUpdateRequest>) =>
      rolloutOutcome(await startRollingUpdate(client, config, request(image, extra))),
    /** Every replica container (with the slot label): name, image, state, health. */
    replicas: async () => {
      const list = await docker.listContainers({
        all: true,
        filters: { label: [`${Labels.service}=${service}`, Labels.slot] },
      });
      return list
        .map((c) => ({
          name: c.Names[0]!.slice(1),
          image: c.Image,
          state: c.State,
          healthy: c.Status.includes('(healthy)'),
        }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    },
    /** The edge's published port on 127.0.0.1. */
    edgePort: async () => {
      const info = await docker.getContainer(`${service}-edge`).inspect();
      return Number(info.NetworkSettings.Ports['80/tcp']![0]!.HostPort);
    },
    cleanUp: async () => {
      await removeService(service);
      await removeNetwork(network);
    },
  };
}

function tolerant(url: string) {
  return {
    test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', url],
    interval: '1s',
    timeout: '10s',
    retries: 5,
  };
}

/** `n` replicas named <service>-1…n, all running, healthy, on `image`, and nothing else. */
export function expectedReplicas(service: string, n: number, image: string) {
  return Array.from({ length: n }, (_, i) => ({
    name: `${service}-${i + 1}`,
    image: `dockhand-fixture-app:${image}`,
    state: 'running',
    healthy: true,
  }));
}

/** A rollout test file's world (workers, client, clean-up) and its fixture services, each removed at the end. */
export function useRolloutWorld(prefix: string) {
  const world = useTestWorkers(prefix);
  return Object.assign(world, {
    newService(name: string) {
      const s = fixtureService(world.client, world.config, `${name}-${world.ids.suffix}`);
      world.onCleanUp(s.cleanUp);
      return s;
    },
  });
}
