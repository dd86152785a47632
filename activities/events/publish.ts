import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { engineEventJobId, type EngineEvent } from '../../common/events/engine-event';
import { EVENT_JOB_OPTIONS, JobName } from '../../common/events/queues';

/** Puts events on the events queue from beside the workflows (the health sweep). */
export function createEventActivities(redisUrl: string, queueName: string) {
  let queue: Queue | undefined;
  const open = () => (queue ??= new Queue(queueName, { connection: new Redis(redisUrl, { maxRetriesPerRequest: 3 }) }));
  return {
    /** Adds one job per event under the event's id. Twice: the same ids, so no new jobs. */
    async publishEvents({ events }: { events: EngineEvent[] }): Promise<{ published: number }> {
      if (events.length === 0) return { published: 0 };
      await open().addBulk(events.map((e) => ({ name: JobName.engineEvent, data: e, opts: { jobId: engineEventJobId(e), ...EVENT_JOB_OPTIONS } })));
      return { published: events.length };
    },
  };
}
export type EventActivities = ReturnType<typeof createEventActivities>;
