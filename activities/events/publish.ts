import type { Queue } from 'bullmq';
import { engineEventJobId, type EngineEvent } from '../../common/events/engine-event';
import { EVENT_JOB_OPTIONS, JobName } from '../../common/events/queues';

/** Adds one job per event under the event's id: the same event twice makes no second job. Also how the
 * tests and benches feed the trigger a burst of events. */
export async function queueEngineEvents(queue: Queue, events: EngineEvent[]): Promise<void> {
  await queue.addBulk(
    events.map((e) => ({
      name: JobName.engineEvent,
      data: e,
      opts: { jobId: engineEventJobId(e), ...EVENT_JOB_OPTIONS },
    })),
  );
}

/** Puts events on the events queue from beside the workflows (the health sweep). */
export function createEventActivities(queue: Queue) {
  return {
    /** Adds one job per event under the event's id. Twice: the same ids, so no new jobs. */
    async publishEvents({ events }: { events: EngineEvent[] }): Promise<{ published: number }> {
      if (events.length === 0) return { published: 0 };
      await queueEngineEvents(queue, events);
      return { published: events.length };
    },
  };
}
export type EventActivities = ReturnType<typeof createEventActivities>;
