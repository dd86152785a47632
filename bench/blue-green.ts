import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderSiteConfig } from '../activities/traffic/nginx-config';
import { startBlueGreenDeploy } from '../client/blue-green';
import { runStack } from '../cli/lib/processes';
import type { BlueGreenRequest } from '../common/blue-green';
import { docker, removeNetwork, removeService } from '../test/support/docker';
import { startLoad, type LoadReport } from '../test/support/load';
import { testClient } from '../test/support/temporal';
import { startWorkers, testIds } from '../test/support/workers';

const run = promisify(execFile);
const RATE = 100; // requests per second through the edge, steady, for both runs
const MIN_REQUESTS = 2000;
const V1 = 'dockhand-fixture-app:v1';
const V2 = 'dockhand-fixture-app:v2';

interface Figures {
  requests: number;
  failed: number;
  switch_ms: number;
  deploy_s: number;
  flips: number;
}

/**
 * The zero-downtime v1 → v2 deploy under load, by Dockhand's blueGreenDeploy (no approval, 1 s bake)
 * and by the seed's shell procedure (bench/blue-green.sh), on the same engine, behind the same nginx
 * edge with the same site config. Load starts a second before each deploy and runs until the deploy
 * is done and at least 2,000 requests were sent. switch_ms: green healthy → first v2 answer;
 * flips: version changes in send order (answers from both colors interleave inside nginx's reload
 * window, where old and new workers both accept); ratio: Dockhand's deploy time / the shell's.
 */
export async function main(): Promise<void> {
  await runStack('up');
  const ids = testIds('bench-bg');
  const { client, config } = await testClient(ids);
  const workers = await startWorkers(ids);
  const services = [`bench-bg-${ids.suffix}`, `bench-sh-${ids.suffix}`];
  const networks = services.map((s) => `${s}-net`);
  try {
    console.log(`[bench] dockhand: first deploy of ${services[0]} (v1), then v1 → v2 under ${RATE} req/s`);
    const dockhand = await dockhandRun(client, config, services[0]!, ids.hostId);
    console.log(`[bench] dockhand: ${JSON.stringify(dockhand)}`);
    console.log(
      `[bench] shell: blue ${services[1]}-blue (v1) behind ${services[1]}-edge, then bench/blue-green.sh under ${RATE} req/s`,
    );
    const shell = await shellRun(services[1]!);
    console.log(`[bench] shell: ${JSON.stringify(shell)}`);
    console.log(
      JSON.stringify({
        requests: dockhand.requests,
        failed: dockhand.failed,
        switch_ms: dockhand.switch_ms,
        dockhand_deploy_s: dockhand.deploy_s,
        shell_requests: shell.requests,
        shell_failed: shell.failed,
        shell_switch_ms: shell.switch_ms,
        shell_deploy_s: shell.deploy_s,
        flips: dockhand.flips,
        shell_flips: shell.flips,
        ratio: Number((dockhand.deploy_s / shell.deploy_s).toFixed(2)),
      }),
    );
  } finally {
    await workers.stop();
    await Promise.all(services.map(removeService));
    await Promise.all(
      services.map((s) =>
        docker
          .getContainer(`${s}-blue`)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    await Promise.all(
      services
        .flatMap((s) => [`${s}-green`, `${s}-edge`])
        .map((n) =>
          docker
            .getContainer(n)
            .remove({ force: true })
            .catch(() => undefined),
        ),
    );
    await Promise.all(networks.map(removeNetwork));
  }
}

async function dockhandRun(
  client: Awaited<ReturnType<typeof testClient>>['client'],
  config: Awaited<ReturnType<typeof testClient>>['config'],
  service: string,
  host: string,
): Promise<Figures> {
  const request = (image: string): BlueGreenRequest => ({
    service,
    host,
    spec: { image, init: true },
    appPort: 8080,
    approval: { required: false },
    bakeMs: 1000,
    healthTimeoutMs: 60_000,
  });
  const first = await (await startBlueGreenDeploy(client, config, request(V1))).result();
  return underLoad(first.edge.hostPort, async () => {
    const result = await (await startBlueGreenDeploy(client, config, request(V2))).result();
    return Date.parse(result.timings.greenHealthyAt);
  });
}

async function shellRun(service: string): Promise<Figures> {
  const [network, blue, green, edge] = [`${service}-net`, `${service}-blue`, `${service}-green`, `${service}-edge`];
  await run('docker', ['network', 'create', network]);
  await run('docker', ['run', '-d', '--init', '--name', blue, '--network', network, V1]);
  await run('docker', ['run', '-d', '--name', edge, '--network', network, '-p', '127.0.0.1::80', 'dockhand-edge:1']);
  await waitHealthy(blue);
  await waitHealthy(edge);
  const config = renderSiteConfig(service, [{ host: blue, port: 8080 }]);
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      'docker',
      ['exec', '-i', edge, 'sh', '-c', 'cat > /etc/nginx/conf.d/default.conf && nginx -t -q && nginx -s reload'],
      (err: Error | null) => (err ? reject(err) : resolve()),
    );
    child.stdin!.end(config);
  });
  const port = Number((await run('docker', ['port', edge, '80'])).stdout.trim().split('\n')[0]!.split(':').pop());
  await waitAnswers(port, 'v1');
  return underLoad(port, async () => {
    const { stdout } = await run(path.join(__dirname, 'blue-green.sh'), [blue, green, V2, network, edge]);
    return Number(/healthy_at=(\d+)/.exec(stdout)![1]);
  });
}

/** Runs `deploy` under steady load; it returns when green became healthy (epoch ms). */
async function underLoad(port: number, deploy: () => Promise<number>): Promise<Figures> {
  const load = startLoad(`http://127.0.0.1:${port}/version`, RATE, 'v2');
  await until(() => load.count() >= RATE);
  const started = Date.now();
  const greenHealthyAt = await deploy();
  const deployS = (Date.now() - started) / 1000;
  await until(() => load.count() >= MIN_REQUESTS);
  const report: LoadReport = await load.stop();
  return {
    requests: report.requests,
    failed: report.failed,
    switch_ms: (report.firstSwitchedAt ?? NaN) - greenHealthyAt,
    deploy_s: Number(deployS.toFixed(2)),
    flips: report.flips,
  };
}

async function waitHealthy(name: string): Promise<void> {
  await until(async () => (await docker.getContainer(name).inspect()).State.Health?.Status === 'healthy');
}

async function waitAnswers(port: number, version: string): Promise<void> {
  await until(async () =>
    (
      await fetch(`http://127.0.0.1:${port}/version`)
        .then((r) => r.text())
        .catch(() => '')
    ).includes(version),
  );
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('bench: a condition was not met in 2 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
}
