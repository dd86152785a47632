import { readVariable } from '../config';

/** Queue and key names of the event path. One BullMQ queue carries engine events (`dockhand-events`, the
 * config default); CI deploy requests go to one queue per service named after it (`<name>.deploy.<service>`).
 * DOCKHAND_EVENTS_QUEUE overrides the name (tests and benchmarks isolate themselves). */
export function eventsQueueName(env: NodeJS.ProcessEnv = process.env): string {
  return readVariable('DOCKHAND_EVENTS_QUEUE', env);
}

/** Redis key holding the time (ns since the epoch) of the last engine event a host agent published:
 * the `since` it resumes from after a restart or an engine reconnect. */
export function eventCursorKey(queue: string, hostId: string): string {
  return `dockhand:${queue}:cursor:${hostId}`;
}

/** BullMQ job names on the events queue. */
export const JobName = { engineEvent: 'engine-event' } as const;

/** Retention: completed jobs are kept a day so a replayed event (same job id) is still recognised as
 * a duplicate; failed jobs are kept a week (`dockhand events tail --failed`), at most 10,000 of them:
 * Redis must not grow without bound while nobody looks (review L9). */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

/** Attempts of one job: with the capped backoff below, about 50 minutes of Temporal being
 * unreachable before a job lands in "failed" (where it is kept, and can be retried). */
const JOB_ATTEMPTS = 100;
const BACKOFF_BASE_MS = 500;
/** DOCKHAND_RETRY_CAP_MS lowers the cap (tests that cut Temporal for a while and wait for the retry). */
const BACKOFF_CAP_MS = readVariable('DOCKHAND_RETRY_CAP_MS');

/** Options every job on the events queue carries. */
export const EVENT_JOB_OPTIONS = { attempts: JOB_ATTEMPTS, backoff: { type: 'capped' }, ...JOB_RETENTION } as const;

/** Exponential backoff, capped (BullMQ's built-in "exponential" grows without bound). */
export function cappedBackoffMs(attemptsMade: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attemptsMade - 1));
}

/**
 * Worker options for every queue: a job held by a worker that died (SIGKILL, or Redis restarted under it
 * so its completion was never written) goes back to waiting once its lock lapses. BullMQ's defaults
 * (30 s lock, stall check every 30 s) take up to a minute; these take up to about 15 s. A live worker
 * renews its lock every lockDuration / 2, so long jobs (a deploy request waiting its turn) are not affected.
 */
export const WORKER_RECOVERY = { lockDuration: 10_000, stalledInterval: 5_000 } as const;
