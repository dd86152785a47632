import type { ChildProcess } from 'node:child_process';
import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { startEnsureService } from '../../client/ensure-service';
import { loadConfig } from '../../common/config';
import { runStack, spawnTs } from '../lib/processes';

const DEMO_SERVICE = 'dockhand-demo';

/** The main job (`npm start`): stack up, an orchestrator and a host agent, and ensureService on a demo
 * service from the fixture images; then the workers keep running until Ctrl-C. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('bring the stack up, start the workers and deploy a demo service with ensureService')
    .option('--image <ref>', 'image of the demo service', 'dockhand-fixture-app:v1')
    .action(async (o: { image: string }) => {
      await runStack('up');
      const config = loadConfig();
      const workers = [spawnTs('workers/orchestrator.ts'), spawnTs('workers/host-agent.ts')];
      const stopped = Promise.all(workers.map(exited));
      const stop = () => workers.forEach((w) => w.exitCode === null && w.kill('SIGINT'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const client = await connectClient(config);
        const handle = await startEnsureService(client, config, {
          service: DEMO_SERVICE,
          host: config.hostId,
          spec: {
            image: o.image,
            init: true, // busybox httpd as PID 1 ignores SIGTERM
            network: 'dockhand-demo',
            ports: [{ container: 8080, hostIp: '127.0.0.1' }],
            labels: { 'org.example.purpose': 'demo' },
          },
        });
        const result = await handle.result();
        const url = result.ports[0] && `http://127.0.0.1:${result.ports[0].hostPort}/`;
        console.log(
          [
            '',
            `  ✔ ${result.containerName} is ${result.health} (${result.reused ? 'already running this spec' : result.replaced ? 'replaced' : 'created'})`,
            `    container   ${result.containerName} (${result.containerId.slice(0, 12)}) on host ${result.host}, image ${result.image}`,
            `    service URL ${url}  (try ${url}version)`,
            `    workflow    ${handle.workflowId}`,
            `    Temporal UI ${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(handle.workflowId)}`,
            '',
            '  The orchestrator and the host agent keep running; press Ctrl-C to stop them.',
            '',
          ].join('\n'),
        );
      } catch (e) {
        stop();
        await stopped;
        throw e;
      }
      await stopped;
    });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}
