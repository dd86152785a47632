import type { ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { runDemo } from '../../client/demo';
import { waitForPollers } from '../../client/pollers';
import { loadServiceFile } from '../../client/service-file';
import { loadConfig } from '../../common/config';
import { serviceHosts } from '../../common/service-file/resolve';
import { hostTaskQueue } from '../../common/task-queues';
import { safeUserName } from '../lib/identity';
import { ROOT, runStack, spawnTs } from '../lib/processes';
import { configFlag } from '../lib/service-file';

const DEMO_FILE = path.join(ROOT, 'demo/dockhand.yml');
const DEMO_SERVICE = 'dockhand-demo';
const WORKER_LOG = path.join(ROOT, '.dockhand/demo-workers.log');

/** The main job (`npm start`): stack up, an orchestrator and a host agent, the demo service at v1, then
 * a blue-green deploy to v2 that waits for approval and is followed live; the workers keep running
 * afterwards until Ctrl-C, so the commands it printed keep working. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'bring the stack up, start the workers, deploy the demo service (demo/dockhand.yml) and a blue-green deploy of its next version that waits for your approval',
    )
    .option('--image <ref>', 'the version the approvable deploy goes to', 'dockhand-fixture-app:v2')
    .option('--service <name>', 'the service of the demo file to deploy', DEMO_SERVICE)
    .action(async function (this: Command, o: { image: string; service: string }) {
      const file = configFlag(this) ?? DEMO_FILE;
      const loaded = loadServiceFile(file); // a bad file stops here, before anything starts
      const host = serviceHosts(loaded.file, o.service)[0]!;
      await runStack('up');
      const config = loadConfig();
      // The host agent runs under the demo file's host id, so the file's deploys reach it. The workers'
      // logs go to a file: the terminal is the demo's.
      mkdirSync(path.dirname(WORKER_LOG), { recursive: true });
      const log = openSync(WORKER_LOG, 'a');
      const toLog = { stdio: ['ignore', log, log] as Array<'ignore' | number> };
      const workers = [
        spawnTs('workers/orchestrator.ts', {}, toLog),
        spawnTs('workers/host-agent.ts', { DOCKHAND_HOST_ID: host }, toLog),
      ];
      const stopped = Promise.all(workers.map(exited));
      let following = true;
      const stop = () => {
        if (following)
          console.log(
            '\nStopped following. The deploy stays in Temporal as it is (a waiting one keeps waiting);' +
              ' run npm start again to pick it up.',
          );
        workers.forEach((w) => w.exitCode === null && w.kill('SIGINT'));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const shown = (p: string) => path.relative(process.cwd(), p) || p;
      console.log(`\nDockhand demo: ${o.service} from ${shown(file)}, on host ${host}`);
      console.log(`Starting an orchestrator and a host agent (their logs: ${shown(WORKER_LOG)}) …`);
      try {
        const client = await connectClient(config);
        await waitForPollers(client, config.temporalNamespace, [
          { name: config.orchestratorTaskQueue, kind: 'workflow' },
          { name: hostTaskQueue(host), kind: 'activity' },
        ]);
        console.log('Workers up.\n');
        const end = await Promise.race([
          runDemo(client, config, {
            loaded,
            service: o.service,
            nextImage: o.image,
            configArg: shown(file),
            requestedBy: safeUserName(),
            print: (line) => console.log(line),
          }),
          stopped.then(() => undefined),
        ]);
        following = false;
        if (!end) process.exit(130); // interrupted: the workers have stopped, the deploy stays in Temporal
        console.log(
          '\nThe orchestrator and the host agent keep running (try the rollback or status commands above);' +
            ' press Ctrl-C to stop them. Run npm start again to deploy the other version.\n',
        );
      } catch (e) {
        following = false;
        stop();
        await stopped;
        throw e;
      }
      await stopped;
      process.exit(0); // the Temporal connection would keep the process alive
    });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}
