import type { Command } from 'commander';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { loadConfig } from '../../common/config';
import type { EngineEvent } from '../../common/events/engine-event';
import { eventsQueueName } from '../../common/events/queues';
import type { EventJobData } from '../../workers/lib/redis';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { int } from '../lib/parsers';
import { connectRedis, redisDown } from '../lib/redis';

/** One line per job: when, where, what, and how far the trigger got with it. */
function describeJob(job: Job<EventJobData>, state: string): string {
  const when = new Date(job.timestamp).toISOString();
  const d: EngineEvent = job.data;
  const what = `${d.host} ${d.type} ${d.name ?? d.id.slice(0, 12)} ${d.action}${d.status ? `: ${d.status}` : ''}`;
  const why =
    state === 'failed'
      ? ` — ${job.failedReason}`
      : job.attemptsMade > 0 && state !== 'completed'
        ? ` (attempt ${job.attemptsMade}: ${job.failedReason})`
        : '';
  return `${when} [${state}] ${what}${why}`;
}

/** Recent jobs of the events queue (any state), oldest first. */
export async function recentJobs(
  queue: Queue<EventJobData>,
  last: number,
  states: Array<'completed' | 'failed' | 'waiting' | 'active' | 'delayed'> = [
    'completed',
    'failed',
    'waiting',
    'active',
    'delayed',
  ],
) {
  const jobs: Array<{ job: Job<EventJobData>; state: string }> = [];
  for (const state of states)
    for (const job of await queue.getJobs([state], 0, last - 1)) if (job) jobs.push({ job, state });
  return jobs.sort((a, b) => a.job.timestamp - b.job.timestamp).slice(-last);
}

export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description('the events queue: engine events and CI deploy requests on their way to workflows');
  examples(events, 'dockhand events tail', 'dockhand events tail --failed');
  const tail = events
    .command('tail')
    .description('print the most recent events, then follow new ones (Ctrl-C ends)')
    .option('-n, --last <count>', 'how many recent events to print first', int, 20)
    .option('--failed', 'print failed jobs only (kept until retried or removed), and do not follow')
    .option('--json', 'one JSON envelope {ok, workflowId, url, result} per line, the job as result')
    .action(async (o: { last: number; failed?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const connection = await connectRedis(config.redisUrl, { blocking: true });
      const queue = new Queue<EventJobData>(eventsQueueName(), { connection });
      const print = (job: Job<EventJobData>, state: string) =>
        emit(
          o.json,
          {
            id: job.id,
            state,
            data: job.data,
            attempts: job.attemptsMade,
            failedReason: job.failedReason,
            returnvalue: job.returnvalue as unknown,
          },
          () => describeJob(job, state),
        );
      for (const { job, state } of await recentJobs(queue, o.last, o.failed ? ['failed'] : undefined))
        print(job, state);
      if (o.failed) {
        await queue.close();
        connection.disconnect();
        return;
      }
      const followConnection = await connectRedis(config.redisUrl, { blocking: true });
      const follow = new QueueEvents(eventsQueueName(), { connection: followConnection });
      // Listeners cannot be awaited: a lookup that fails is reported and the follow goes on.
      const show = (jobId: string, state?: string) =>
        void queue
          .getJob(jobId)
          .then(async (job?: Job<EventJobData>) => job && print(job, state ?? (await job.getState())))
          .catch((e: Error) => console.error(`job ${jobId}: ${e.message}`));
      follow.on('added', ({ jobId }) => show(jobId, 'waiting'));
      follow.on('failed', ({ jobId }) => show(jobId));
      // Follows until Ctrl-C; losing Redis ends the command with one line (no reconnection loop).
      await new Promise<never>((_, reject) => {
        for (const c of [connection, followConnection])
          c.once('end', () => reject(redisDown(config.redisUrl, new Error('connection lost'))));
        follow.on('error', () => undefined);
        queue.on('error', () => undefined);
      });
    });
  examples(tail, 'dockhand events tail -n 50', 'dockhand events tail --failed --json');
}
