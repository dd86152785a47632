import readline from 'node:readline';
import type Docker from 'dockerode';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  engineEventJobId,
  fromDockerMessage,
  laterNano,
  sinceParam,
  type DockerEventMessage,
  type EngineEvent,
} from '../../common/events/engine-event';
import { EVENT_JOB_OPTIONS, eventCursorKey, JobName } from '../../common/events/queues';
import { missedExitEvents, type StoppedContainer } from '../../common/events/missed-exits';
import { logger } from '../../common/logger';
import { unhealthyNowEvents } from '../../activities/docker/unhealthy-now';
import type { EventJobData } from './redis';

/** Engine actions worth a job (exec_* and health-check chatter are left out: one per second per container). */
const PUBLISHED_ACTIONS = [
  'health_status',
  'die',
  'oom',
  'start',
  'stop',
  'restart',
  'destroy',
  'create',
  'pull',
  'tag',
  'untag',
  'delete',
  'connect',
  'disconnect',
];
const RECONNECT_MS = 1_000;
const REDIS_RETRY_MS = 500;

/**
 * Streams one engine's events into the events queue, in order, each under a job id derived from the
 * event (a replay is a no-op). The time of the last published event is kept in Redis per host; after
 * a restart or an engine reconnect the stream resumes from it (`since`, inclusive: the overlap is
 * de-duplicated by the job id). While Redis is away the stream is not read further (back-pressure);
 * what the engine emits meanwhile is read after, from the cursor.
 */
export class EventPublisher {
  private stopped = false;
  private current?: NodeJS.ReadableStream & { destroy?: () => void };
  /** Rejects once stop() is called. A Redis call made while Redis is gone waits in ioredis's offline
   * queue, and ioredis neither fails nor drops it on a disconnect while it reconnects
   * (redis/ioredis#1247): the stop gives up on it rather than wait for ever. The cursor has not moved
   * past its event, so the next agent publishes it. */
  private readonly stopping: Promise<never>;
  private giveUp!: (err: Error) => void;
  published = 0;

  constructor(
    private readonly docker: Docker,
    private readonly queue: Queue<EventJobData>,
    private readonly redis: Redis,
    private readonly hostId: string,
  ) {
    this.stopping = new Promise<never>((_, reject) => (this.giveUp = reject));
    this.stopping.catch(() => undefined);
  }

  private get cursorKey(): string {
    return eventCursorKey(this.queue.name, this.hostId);
  }

  /** Runs until stop(): reconnects to the engine after every end or error. */
  async run(): Promise<void> {
    // First start ever: begin now (history before Dockhand ran is not replayed), but from a stored point,
    // so a restart right after still resumes from here.
    try {
      await this.retryRedis(() => this.redis.set(this.cursorKey, `${BigInt(Date.now()) * 1_000_000n}`, 'NX'));
    } catch {
      return; // stopped before Redis answered (retryRedis gives up only then)
    }
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (err) {
        if (!this.stopped) logger.warn({ err, host: this.hostId }, 'engine event stream lost; reconnecting');
      }
      if (!this.stopped) await delay(RECONNECT_MS);
    }
  }

  stop(): void {
    this.stopped = true;
    this.giveUp(new Error('the event publisher stopped'));
    this.current?.destroy?.();
  }

  private async follow(): Promise<void> {
    const cursor = await this.retryRedis(() => this.redis.get(this.cursorKey));
    const filters = { type: ['container', 'image', 'network'], event: PUBLISHED_ACTIONS };
    const stream = (await this.docker.getEvents({
      ...(cursor ? { since: sinceParam(cursor) } : {}),
      filters,
    } as Docker.GetEventsOptions)) as unknown as NodeJS.ReadableStream & { destroy?: () => void };
    this.current = stream;
    logger.info({ host: this.hostId, since: cursor }, 'following engine events');
    await this.reconcile(cursor);
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    // readline ends on 'end' only; a destroyed or broken stream must end the loop too (then reconnect).
    stream.once('close', () => lines.close());
    stream.once('error', () => lines.close());
    for await (const line of lines) {
      if (this.stopped) break;
      if (!line.trim()) continue;
      // timeNano exceeds 2^53: JSON.parse would round it, so it is taken from the text.
      const timeNano = /"timeNano":(\d+)/.exec(line)?.[1];
      const event = fromDockerMessage(this.hostId, {
        ...(JSON.parse(line) as DockerEventMessage),
        ...(timeNano ? { timeNano } : {}),
      });
      if (event) await this.publish(event);
    }
  }

  /**
   * The engine replays `since` only from its last 256 events (all kinds, all containers, health-check
   * execs included), so after a long gap events may be gone. What matters is the state they reported:
   * each container that is unhealthy now is published as a health_status: unhealthy event (source
   * "sweep"), once per container run (the job id comes from the container id and its start time); each
   * container that stopped after the cursor as its oom (when OOM-killed) and die events.
   */
  private async reconcile(cursor: string | null): Promise<void> {
    if (cursor) for (const e of await this.missedExits(cursor)) await this.publish(e, false);
    for (const e of await unhealthyNowEvents(this.docker, this.hostId)) await this.publish(e, false);
  }

  /** Containers that stopped after the cursor, as the oom/die events the stream may no longer replay. */
  private async missedExits(cursor: string): Promise<EngineEvent[]> {
    const list = await this.docker.listContainers({ all: true, filters: { status: ['exited', 'dead'] } });
    const stopped: StoppedContainer[] = [];
    for (const c of list) {
      const info = await this.docker
        .getContainer(c.Id)
        .inspect()
        .catch(() => undefined);
      if (!info) continue;
      stopped.push({
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        labels: info.Config.Labels ?? {},
        exitCode: info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
        finishedAt: info.State.FinishedAt,
      });
    }
    return missedExitEvents(this.hostId, stopped, cursor);
  }

  /** Adds the event's job (retrying while Redis is away), then moves the cursor past it. */
  async publish(event: EngineEvent, moveCursor = true): Promise<void> {
    await this.retryRedis(() =>
      this.queue.add(JobName.engineEvent, event, { jobId: engineEventJobId(event), ...EVENT_JOB_OPTIONS }),
    );
    if (!moveCursor) return;
    const cursor = await this.retryRedis(() => this.redis.get(this.cursorKey));
    await this.retryRedis(() => this.redis.set(this.cursorKey, laterNano(cursor, event.timeNano)));
    this.published++;
    logger.debug({ host: this.hostId, action: event.action, name: event.name }, 'event published');
  }

  private async retryRedis<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await Promise.race([op(), this.stopping]);
      } catch (err) {
        if (this.stopped) throw err;
        if (attempt === 1 || attempt % 20 === 0)
          logger.warn(
            { err: (err as Error).message, host: this.hostId, attempt },
            'Redis unavailable; holding the event stream',
          );
        await delay(REDIS_RETRY_MS);
      }
    }
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
