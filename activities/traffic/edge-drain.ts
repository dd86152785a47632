import type Docker from 'dockerode';
import { Context, heartbeat } from '@temporalio/activity';
import { engineCall } from '../docker/engine-errors';

export interface WaitEdgeDrainedResult {
  drained: boolean;
  waitedMs: number;
}

/** True when no nginx worker of an older config is left: none is "shutting down" (a graceful
 * reload lets old workers finish their requests — to the old backend — before they exit). Pure. */
export function edgeDrained(processTitles: string[]): boolean {
  return !processTitles.some((t) => t.includes('worker process is shutting down'));
}

export function createEdgeDrainActivities(docker: Docker) {
  return {
    /** Waits until the edge's old nginx workers have finished their in-flight requests and exited, so
     * the backend they proxied to can go without cutting a request; gives up (drained: false) after
     * `timeoutMs` rather than block a deploy on one endless connection. A missing edge is drained.
     * Read-only; heartbeats every poll. */
    async waitEdgeDrained({
      edge,
      timeoutMs = 60_000,
    }: {
      edge: string;
      timeoutMs?: number;
    }): Promise<WaitEdgeDrainedResult> {
      const started = Date.now();
      let stableFor = 0;
      let lastCount = -1;
      for (;;) {
        const top = await engineCall<unknown>(
          `processes of ${edge}`,
          () => docker.getContainer(edge).top({ ps_args: '-eo pid,args' }),
          [404, 409],
        );
        if (!top) return { drained: true, waitedMs: Date.now() - started }; // gone or not running
        const titles = ((top as { Processes?: string[][] }).Processes ?? []).map((p) => p[p.length - 1] ?? '');
        const workers = titles.filter((t: string) => t.includes('worker process')).length;
        // Two polls in a row with no old worker and the same worker count: an old worker that has
        // not yet taken its QUIT signal (no "shutting down" title) would show as an extra one.
        stableFor = edgeDrained(titles) && workers === lastCount ? stableFor + 1 : 0;
        lastCount = workers;
        if (stableFor >= 2) return { drained: true, waitedMs: Date.now() - started };
        if (Date.now() - started > timeoutMs) return { drained: false, waitedMs: Date.now() - started };
        heartbeat();
        await Context.current().sleep(100);
      }
    },
  };
}
