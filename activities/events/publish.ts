import type { Queue } from 'bullmq';
import { engineEventJobId, type EngineEvent } from '../../common/events/engine-event';
import { EVENT_JOB_OPTIONS, JobName } from '../../common/events/queues';

/** Puts events on the events queue from beside the workflows (the health sweep). */
export function createEventActivities(queue: Queue) {
  return {
    /** Adds one job per event under the event's id. Twice: the same ids, so no new jobs. */
    async publishEvents({ events }: { events: EngineEvent[] }): Promise<{ published: number }> {
      if (events.length === 0) return { published: 0 };
      await queue.addBulk(
        events.map((e) => ({
          name: JobName.engineEvent,
          data: e,
          opts: { jobId: engineEventJobId(e), ...EVENT_JOB_OPTIONS },
        })),
      );
      return { published: events.length };
    },
  };
}
export type EventActivities = ReturnType<typeof createEventActivities>;
