import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';

/** Raw signalWithStart rate against the shared dev server, no worker: the ceiling for the trigger. */
async function main() {
  const client = new Client({ connection: await Connection.connect({ address: process.env.ADDR! }) });
  for (const conc of [128]) {
    const tag = randomBytes(3).toString('hex');
    const N = 1000;
    let next = 0;
    const lat: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < N) {
          const i = next++;
          const s = Date.now();
          await client.workflow.signalWithStart('restartUnhealthy', {
            taskQueue: `ceiling-${tag}`,
            workflowId: `ceiling-${tag}-${i}`,
            args: [{}],
            signal: 'event',
            signalArgs: [{}],
          });
          lat.push(Date.now() - s);
        }
      }),
    );
    const el = (Date.now() - t0) / 1000;
    lat.sort((a, b) => a - b);
    console.log(JSON.stringify({ conc, per_s: +(N / el).toFixed(1), p50: lat[N / 2], p99: lat[Math.floor(N * 0.99)] }));
    for (let i = 0; i < N; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          client.workflow.getHandle(`ceiling-${tag}-${i + k}`).terminate('ceiling').catch(() => undefined),
        ),
      );
  }
  await client.connection.close();
}
main();
