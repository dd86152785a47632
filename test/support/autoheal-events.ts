import type { Job } from 'bullmq';
import type { EngineEvent } from '../../common/events/engine-event';
import { Rule } from '../../common/events/rules';
import type { EventJobData } from '../../workers/lib/redis';

/** The trigger rule of the autoheal tests: restartUnhealthy for an unhealthy container labelled
 * `dockhand.autoheal=true`; `extra` adds a batch mode or the workflow's args. */
export function autohealRule(extra: { batch?: 'host'; args?: Record<string, unknown> } = {}): Rule {
  return Rule.parse({
    name: 'autoheal',
    match: { action: 'health_status', status: 'unhealthy', labels: { 'dockhand.autoheal': 'true' } },
    workflow: 'restartUnhealthy',
    ...extra,
  });
}

/** The queue job of the i-th autoheal container (`c-<i>`) on `host` turning unhealthy. */
export function unhealthyJob(host: string, i: number): Job<EventJobData> {
  const data: EngineEvent = {
    source: 'engine',
    host,
    type: 'container',
    action: 'health_status',
    status: 'unhealthy',
    id: `id-${i}`,
    name: `c-${i}`,
    labels: { 'dockhand.autoheal': 'true' },
    timeNano: `${i}`,
  };
  return { data } as Job<EventJobData>;
}
