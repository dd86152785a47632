import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { DockhandHost, DockhandWorkflow } from '../common/search-attributes';
async function run(client: Client, withSa: boolean) {
  const tag = randomBytes(3).toString('hex');
  const N = 500, conc = 32;
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    for (let i = next++; i < N; i = next++)
      await client.workflow.signalWithStart('restartUnhealthy', {
        taskQueue: `sa-${tag}`, workflowId: `sa-${tag}-${i}`, args: [{}], signal: 'event', signalArgs: [{}],
        ...(withSa ? { staticSummary: `rule x: restartUnhealthy for c${i} on h`, typedSearchAttributes: [
          { key: DockhandHost, value: 'h' }, { key: DockhandWorkflow, value: 'restartUnhealthy' }] } : {}),
      });
  }));
  const perS = N / ((Date.now() - t0) / 1000);
  for (let i = 0; i < N; i += 50)
    await Promise.all(Array.from({ length: 50 }, (_, k) => client.workflow.getHandle(`sa-${tag}-${i + k}`).terminate().catch(() => 0)));
  return perS;
}
async function main() {
  const client = new Client({ connection: await Connection.connect({ address: '127.0.0.1:7233' }) });
  for (let r = 0; r < 3; r++) console.log(`with ${(await run(client, true)).toFixed(1)}  without ${(await run(client, false)).toFixed(1)}`);
  await client.connection.close();
}
main();
