import { Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import type { CanaryWindow } from '../../common/canary';
import { judgeWindow, splitByVersion } from '../../common/canary-analysis';
import { CANARY_WATCH_POLL_MS, watchEnds, type WatchEnd } from '../../common/canary-watch';
import { DEFAULT_MAX_BYTES, readLogChunk, versionAddresses, type ReadCanaryLogInput } from './edge-canary';

export interface WatchCanaryLogInput extends Omit<ReadCanaryLogInput, 'offset'> {
  /** Where the window starts (the last window's end). */
  offset: number;
  /** How long the window runs when it does not fail first (the wait until the next check). */
  forMs: number;
  /** How often the log is re-read (default CANARY_WATCH_POLL_MS). */
  pollMs?: number;
}

export type WatchedWindow = CanaryWindow & { ended: WatchEnd; watchedMs: number };

export function createEdgeCanaryWatchActivities(docker: Docker) {
  return {
    /** One window of the edge's canary log from `offset`, watched while it runs: returns as soon as
     * the canary's figures fail (at least `minRequests` of them), else after `forMs`, judged like
     * readCanaryLog. Read-only (a retry re-reads the same window); bounded by `maxBytes` in all;
     * heartbeats every poll and ends at once when cancelled (an answer came). */
    async watchCanaryLog(i: WatchCanaryLogInput): Promise<WatchedWindow> {
      const ctx = Context.current();
      const max = i.maxBytes ?? DEFAULT_MAX_BYTES;
      const pollMs = i.pollMs ?? CANARY_WATCH_POLL_MS;
      const started = Date.now();
      const ips = await versionAddresses(docker, i);
      const lines: string[] = [];
      let read = 0;
      let at = i.offset;
      for (;;) {
        const chunk = await readLogChunk(docker, i.edge, i.service, at, max - read);
        if (chunk.end < at) lines.length = 0; // the log began anew (edge recreated): the window too
        lines.push(...chunk.lines);
        read += Math.max(0, chunk.end - at);
        at = chunk.end;
        const figures = splitByVersion(lines, ips);
        const judged = judgeWindow(figures.canary, i.judge);
        const watchedMs = Date.now() - started;
        const full = read >= max && chunk.end < chunk.size;
        const ended = watchEnds({ verdict: judged.verdict, elapsedMs: watchedMs, forMs: i.forMs, full });
        if (ended) return { ...figures, ...judged, offset: at, truncated: chunk.end < chunk.size, ended, watchedMs };
        ctx.heartbeat({ offset: at, lines: lines.length });
        await ctx.sleep(Math.min(pollMs, Math.max(0, i.forMs - watchedMs))); // rejects when cancelled
      }
    },
  };
}
