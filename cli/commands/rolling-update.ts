import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { startRollingUpdate } from '../../client/rolling-update';
import { loadConfig } from '../../common/config';
import { UsageError } from '../lib/exit-codes';
import { addSpecOptions, parsePort, specFromOptions, type SpecOptions } from '../lib/spec-options';
import { collect, decimal, duration, int, oneOf } from '../lib/parsers';
import { rolloutSummary } from '../lib/rollout-output';
import { RollingUpdateInput, type RollingUpdateRequest, type RollingUpdateResult } from '../../common/rolling-update';
import { validate } from '../../common/spec/validate';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { followAndReport } from '../lib/follow-change';
import { addFollowOptions } from '../lib/follow-options';
import { workflowUrl } from '../lib/links';

interface RollingUpdateOptions extends SpecOptions {
  host?: string;
  replicas?: number;
  parallelism?: number;
  order?: 'start-first' | 'stop-first';
  delay?: string;
  monitor?: string;
  healthTimeout?: string;
  maxFailureRatio?: number;
  failureAction?: 'rollback' | 'pause' | 'continue';
  canary?: number;
  deadline?: string;
  edgePort?: string[];
  json?: boolean;
  detach?: boolean;
  timeout?: string;
}

export function registerRollingUpdate(program: Command): void {
  const command = program
    .command('rolling-update')
    .alias('rollout')
    .description(
      'roll the replicas <service>-1…N behind <service>-edge to a new image, health-gated, with rollback (workflow rollingUpdate); follows it until it ends',
    )
    .argument('<service>', 'service name; replicas are <service>-1 … <service>-N')
    .requiredOption('--image <ref>', 'target image reference');
  addSpecOptions(command, 'user-defined network of the replicas and the edge (default <service>-net)')
    .option('--replicas <n>', 'replica count after the rollout (default: as many as run now)', int)
    .option('--parallelism <n>', 'replicas updated at once', int)
    .option(
      '--order <order>',
      'stop-first (default) or start-first (new replica beside the old one)',
      oneOf('stop-first', 'start-first'),
    )
    .option('--delay <duration>', 'pause between batches, e.g. 5s', duration)
    .option('--monitor <duration>', 'how long a new replica must stay healthy (default 5s)', duration)
    .option('--health-timeout <duration>', 'how long a new replica may take to become healthy (default 60s)', duration)
    .option('--max-failure-ratio <r>', 'fraction of replicas allowed to fail (default 0)', decimal)
    .option(
      '--failure-action <action>',
      'rollback (default), pause or continue',
      oneOf('rollback', 'pause', 'continue'),
    )
    .option('--canary <batches>', 'after this many batches wait for "dockhand approve|reject" (or the UI)', int)
    .option('--deadline <duration>', 'the rollout must be done within this, else it rolls back', duration)
    .option('--edge-port <spec>', 'port the edge publishes, [hostIp:][hostPort:]80, repeatable', collect)
    .option('--host <id>', 'host agent to run on (default: DOCKHAND_HOST_ID or this hostname)');
  addFollowOptions(command)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (service: string, o: RollingUpdateOptions) => {
      const config = loadConfig();
      // Built and validated before connecting: a bad flag is reported without contacting Temporal.
      const request: RollingUpdateRequest = {
        service,
        host: o.host ?? config.hostId,
        spec: specFromOptions({ ...o, port: undefined }),
        replicas: o.replicas,
        parallelism: o.parallelism,
        order: o.order,
        delay: o.delay,
        monitor: o.monitor,
        healthTimeout: o.healthTimeout,
        maxFailureRatio: o.maxFailureRatio,
        failureAction: o.failureAction,
        pauseAfter: o.canary === undefined ? undefined : { batches: o.canary },
        deadline: o.deadline,
        edge: o.edgePort ? { ports: o.edgePort.map((p) => withFlag('--edge-port', () => parsePort(p))) } : undefined,
      };
      validate(RollingUpdateInput, request, 'input');
      const client = await connectClient(config);
      const handle = await startRollingUpdate(client, config, request);
      const url = workflowUrl(config, handle.workflowId);
      if (o.detach)
        return emit(o.json, { service, image: o.image }, `started ${handle.workflowId}: ${url}`, {
          workflowId: handle.workflowId,
          url,
        });
      await followAndReport(handle, {
        kind: 'rolling',
        json: o.json,
        timeout: o.timeout,
        started: `started ${handle.workflowId}: ${url}`,
        reattach: `dockhand status ${service} --follow`,
        url,
        extra: { service, strategy: 'rolling' },
        human: (end) => rolloutSummary(end.result as RollingUpdateResult),
      });
    });
  examples(
    command,
    'dockhand rolling-update web --image registry.example/web:v2 --parallelism 2 --order start-first',
    'dockhand rolling-update web --image web:v2 --canary 1 --detach',
  );
}

function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message.replace('--port', flag));
  }
}
