import type { Client } from '@temporalio/client';
import { removeContainers } from '../../test/support/docker';
import type { WorkerProcess } from '../../test/support/workers';

/** What an event bench run leaves behind: its containers, worker processes, events queue and client. */
export interface BenchLeftovers {
  containers: string[];
  workers: WorkerProcess[];
  queue: { dispose: () => Promise<void> };
  client: Client;
}

/** Removes a bench run's containers (gone already is fine), stops its workers, drops its queue and closes
 * its client, in that order so no worker acts on a container being removed. */
export async function tearDownBench({ containers, workers, queue, client }: BenchLeftovers): Promise<void> {
  await removeContainers(containers);
  await Promise.all(workers.map((w) => w.stop()));
  await queue.dispose();
  await client.connection.close();
}
