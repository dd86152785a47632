import type Docker from 'dockerode';
import type { EngineEvent } from '../../common/events/engine-event';
import { engineCall } from './engine-errors';

/**
 * Every container the engine marks unhealthy now, as the health_status event its health check would
 * have sent (source "sweep"). The timestamp is the container's start, so the event's job id is the
 * same for one container run: the host agent's reconnect and the sweep workflow publish it once.
 * Containers gone between the list and the inspect are skipped. Read-only.
 */
export async function unhealthyNowEvents(docker: Docker, host: string): Promise<EngineEvent[]> {
  const list = (await engineCall('list unhealthy containers', () =>
    docker.listContainers({ filters: { health: ['unhealthy'] } }),
  ))!;
  const events: EngineEvent[] = [];
  for (const c of list) {
    const info = await engineCall(`inspect container ${c.Id}`, () => docker.getContainer(c.Id).inspect(), [404]);
    if (!info) continue;
    events.push({
      source: 'sweep',
      host,
      type: 'container',
      action: 'health_status',
      status: 'unhealthy',
      id: c.Id,
      name: info.Name.replace(/^\//, ''),
      labels: info.Config.Labels ?? {},
      timeNano: `${BigInt(Date.parse(info.State.StartedAt)) * 1_000_000n}`,
    });
  }
  return events;
}
