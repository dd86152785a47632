import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { percentile } from './incident-stages';

/**
 * The peer of the throughput figure: how many bare signal-with-starts per second the same Temporal server
 * takes at the trigger's concurrency, with no queue, no rules and no worker (the workflows are never run
 * and are terminated afterwards). Dockhand's events/s over this is the share of Temporal's own start rate
 * that the queue → rules → start path keeps.
 */
export async function startCeiling(client: Client, count: number, concurrency: number) {
  const tag = randomBytes(3).toString('hex');
  const ids = Array.from({ length: count }, (_, i) => `bench-ceiling-${tag}-${i}`);
  const latencies: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = Date.now();
        await client.workflow.signalWithStart('restartUnhealthy', {
          taskQueue: `bench-ceiling-${tag}`, // no worker polls it
          workflowId: ids[i]!,
          args: [{}],
          signal: 'event',
          signalArgs: [{}],
        });
        latencies.push(Date.now() - t);
      }
    }),
  );
  const perS = count / ((Date.now() - started) / 1000);
  for (let i = 0; i < ids.length; i += concurrency)
    await Promise.all(
      ids.slice(i, i + concurrency).map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('bench ceiling over')
          .catch(() => undefined),
      ),
    );
  latencies.sort((a, b) => a - b);
  return { perS, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
