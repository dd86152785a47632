import type { Client } from '@temporalio/client';
import { engineEventJobId, type EngineEvent } from '../../common/events/engine-event';
import { EVENT_JOB_OPTIONS, JobName } from '../../common/events/queues';
import { restartDeskId, restartDeskStatusQuery } from '../../common/remediation/restart-desk';
import { waitFor, type testQueue } from '../../test/support/events';
import { eventMs } from './history-event';

/**
 * One unhealthy event for a container that does not exist, through the queue, the rules and the host's
 * restart desk (which looks, finds nothing and keeps running), before the bench measures. Why: the first
 * workflow task of a freshly started orchestrator runs the workflow bundle's code for the first time
 * (V8 compiles it lazily): 2.6–4.8 s under load, once per process, and every event that arrives meanwhile
 * waits behind it. Counted among 50 incidents it alone is the p99. Returns that cold path (ms from the
 * job's add to the desk's first completed workflow task), which the bench reports beside the figures.
 */
export async function warmUp(
  q: ReturnType<typeof testQueue>,
  client: Client,
  host: string,
  labels: Record<string, string>,
): Promise<number> {
  const event: EngineEvent = {
    source: 'synthetic',
    host,
    type: 'container',
    action: 'health_status',
    status: 'unhealthy',
    id: `warm-up-${host}`,
    name: `warm-up-${host}`,
    labels,
    timeNano: `${BigInt(Date.now()) * 1_000_000n}`,
  };
  const added = Date.now();
  await q.queue.add(JobName.engineEvent, event, { jobId: engineEventJobId(event), ...EVENT_JOB_OPTIONS });
  const desk = client.workflow.getHandle(restartDeskId(host));
  await waitFor(
    async () => {
      const s = await desk.query(restartDeskStatusQuery).catch(() => undefined);
      return s && s.events >= 1 && s.inFlight.length === 0;
    },
    120_000,
    'the warm-up event looked at by the restart desk',
  );
  const first = (await desk.fetchHistory()).events?.find((e) => e.workflowTaskCompletedEventAttributes);
  return eventMs(first!) - added;
}
