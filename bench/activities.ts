import { spawn } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { runStack } from '../cli/lib/processes';
import { Labels } from '../common/labels';
import type { LaunchContainersRequest, LaunchContainersResult } from '../common/launch-containers';
import { launchContainersPresentation } from '../client/launch-containers';
import { startPresentation } from '../client/presentation';
import { removeService } from '../test/support/docker';
import { testClient } from '../test/support/temporal';
import { startWorkers, testIds } from '../test/support/workers';

/**
 * create + start + healthy of N containers: through Dockhand (one launchContainers workflow, real
 * orchestrator and host agent processes, every step an activity) against the plain CLI on the same
 * engine (`docker run -d` for each, in parallel, then a health poll loop). Both poll health every 250 ms; both
 * run the fixture app with --init (busybox httpd as PID 1 ignores SIGTERM, which only matters for
 * the untimed clean-up). Rounds alternate which side goes first.
 */
const COUNT = Number(process.env.BENCH_CONTAINERS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IMAGE = 'dockhand-fixture-app:v1';

export async function main(): Promise<void> {
  await runStack('up');
  const ids = testIds('bench');
  const { client, config } = await testClient(ids);
  const workers = await startWorkers(ids);
  const service = `bench-${ids.suffix}`;
  try {
    log(`warm-up (2 containers each way)`);
    await viaDockhand(client, config.orchestratorTaskQueue, ids.hostId, service, 'warm', 2);
    await viaCli(service, 'warm', 2);
    await removeService(service);

    const dockhand: number[] = [];
    const cli: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['dockhand', 'cli'] as const) : (['cli', 'dockhand'] as const);
      for (const side of order) {
        const s =
          side === 'dockhand'
            ? await viaDockhand(client, config.orchestratorTaskQueue, ids.hostId, service, `r${r}`, COUNT)
            : await viaCli(service, `r${r}`, COUNT);
        (side === 'dockhand' ? dockhand : cli).push(s);
        log(`round ${r + 1}/${ROUNDS} ${side}: ${COUNT} containers healthy in ${s.toFixed(2)} s`);
        await removeService(service);
      }
    }
    const dockhand_s = round(median(dockhand));
    const cli_s = round(median(cli));
    console.log(
      JSON.stringify({
        dockhand_s,
        cli_s,
        ratio: round(dockhand_s / cli_s),
        containers: COUNT,
        rounds: ROUNDS,
        dockhand_runs: dockhand.map(round),
        cli_runs: cli.map(round),
      }),
    );
  } finally {
    await removeService(service);
    await workers.stop();
  }
}

async function viaDockhand(
  client: Client,
  taskQueue: string,
  host: string,
  service: string,
  round: string,
  count: number,
): Promise<number> {
  const request: LaunchContainersRequest = {
    host,
    containers: Array.from({ length: count }, (_, i) => ({
      name: `${service}-${round}-dh-${i}`,
      service,
      spec: { image: IMAGE, init: true },
    })),
    healthTimeoutMs: 120_000,
  };
  const started = performance.now();
  const result = await client.workflow.execute<(r: LaunchContainersRequest) => Promise<LaunchContainersResult>>(
    'launchContainers',
    {
      taskQueue,
      workflowId: `bench/${service}/${round}`,
      args: [request],
      ...startPresentation(launchContainersPresentation(request, 'the benchmark (`npm run bench -- activities`)')),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.containers.filter((c) => c.health === 'healthy').length !== count)
    throw new Error('not every container became healthy');
  return seconds;
}

/** What an operator's shell does: docker run each (in parallel, like the workflow — the stricter
 * peer: a sequential loop is several times slower here), then poll every container's health. */
async function viaCli(service: string, round: string, count: number): Promise<number> {
  const script = `
    set -e
    for i in $(seq 0 $((N-1))); do
      docker run -d --init --name "$PREFIX-$i" --label ${Labels.service}=$SERVICE ${IMAGE} >/dev/null &
    done
    for job in $(jobs -p); do wait "$job"; done
    for i in $(seq 0 $((N-1))); do
      until [ "$(docker inspect -f '{{.State.Health.Status}}' "$PREFIX-$i")" = healthy ]; do sleep 0.25; done
    done`;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...process.env, N: String(count), PREFIX: `${service}-${round}-cli`, SERVICE: service },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the CLI script exited with ${code}`))));
  });
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 100) / 100;
const log = (msg: string) => console.log(`[bench activities] ${msg}`);
