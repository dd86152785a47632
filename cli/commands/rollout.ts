import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { startRollingUpdate } from '../../client/rolling-update';
import { loadConfig } from '../../common/config';
import { addSpecOptions, parsePort, specFromOptions, type SpecOptions } from '../lib/spec-options';
import { collect, int } from '../lib/parsers';
import { followRollout, rolloutSummary } from '../lib/rollout-output';

interface RolloutOptions extends SpecOptions {
  host?: string;
  replicas?: number;
  parallelism?: number;
  order?: 'start-first' | 'stop-first';
  delay?: string;
  monitor?: string;
  healthTimeout?: string;
  maxFailureRatio?: string;
  failureAction?: 'rollback' | 'pause' | 'continue';
  canary?: number;
  deadline?: string;
  edgePort?: string[];
  json?: boolean;
  wait?: boolean;
}

export function registerRollout(program: Command): void {
  const command = program
    .command('rollout')
    .description(
      'roll the replicas <service>-1…N behind <service>-edge to a new image, health-gated, with rollback (workflow rollingUpdate)',
    )
    .argument('<service>', 'service name; replicas are <service>-1 … <service>-N')
    .requiredOption('--image <ref>', 'target image reference');
  addSpecOptions(command, 'user-defined network of the replicas and the edge (default <service>-net)')
    .option('--replicas <n>', 'replica count after the rollout (default: as many as run now)', int)
    .option('--parallelism <n>', 'replicas updated at once', int)
    .option('--order <order>', 'stop-first (default) or start-first (new replica beside the old one)')
    .option('--delay <duration>', 'pause between batches, e.g. 5s')
    .option('--monitor <duration>', 'how long a new replica must stay healthy (default 5s)')
    .option('--health-timeout <duration>', 'how long a new replica may take to become healthy (default 60s)')
    .option('--max-failure-ratio <r>', 'fraction of replicas allowed to fail (default 0)')
    .option('--failure-action <action>', 'rollback (default), pause or continue')
    .option('--canary <batches>', 'after this many batches wait for "dockhand approve|reject" (or the UI)', int)
    .option('--deadline <duration>', 'the rollout must be done within this, else it rolls back')
    .option('--edge-port <spec>', 'port the edge publishes, [hostIp:][hostPort:]80, repeatable', collect)
    .option('--host <id>', 'host agent to run on (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--wait', 'follow progress until the rollout ends (exit 1 when it rolled back)')
    .option('--json', 'print machine-readable output')
    .action(async (service: string, o: RolloutOptions) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const handle = await startRollingUpdate(client, config, {
        service,
        host: o.host ?? config.hostId,
        spec: specFromOptions({ ...o, port: undefined }),
        replicas: o.replicas,
        parallelism: o.parallelism,
        order: o.order,
        delay: o.delay,
        monitor: o.monitor,
        healthTimeout: o.healthTimeout,
        maxFailureRatio: o.maxFailureRatio === undefined ? undefined : Number(o.maxFailureRatio),
        failureAction: o.failureAction,
        pauseAfter: o.canary === undefined ? undefined : { batches: o.canary },
        deadline: o.deadline,
        edge: o.edgePort ? { ports: o.edgePort.map((p) => withFlag('--edge-port', () => parsePort(p))) } : undefined,
      });
      const link = `${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(handle.workflowId)}`;
      if (!o.wait) {
        console.log(
          o.json
            ? JSON.stringify({ workflowId: handle.workflowId, url: link })
            : `started ${handle.workflowId}: ${link}`,
        );
        return;
      }
      if (!o.json) console.error(`started ${handle.workflowId}: ${link}`);
      const result = await followRollout(handle, o.json ? undefined : (line) => console.error(line));
      console.log(o.json ? JSON.stringify(result) : rolloutSummary(result));
      if (result.outcome === 'rolled-back') process.exitCode = 1;
    });
}

function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new Error((e as Error).message.replace('--port', flag), { cause: e });
  }
}
