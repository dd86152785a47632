import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { startEnsureService } from '../../client/ensure-service';
import { loadConfig } from '../../common/config';
import { EnsureServiceInput, type EnsureServiceRequest } from '../../common/ensure-service';
import { validate } from '../../common/spec/validate';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { followAndReport } from '../lib/follow-change';
import { addFollowOptions } from '../lib/follow-options';
import { workflowUrl } from '../lib/links';
import { collect } from '../lib/parsers';
import { addSpecOptions, specFromOptions, type SpecOptions } from '../lib/spec-options';

interface EnsureResultShape {
  containerName: string;
  health: string;
  reused: boolean;
  replaced: boolean;
  ports: unknown;
}

export function registerEnsure(program: Command): void {
  const command = program
    .command('ensure')
    .description('make sure one healthy container of <service> runs the given image (workflow ensureService)')
    .argument('<service>', 'service name; also the container name')
    .requiredOption('--image <ref>', 'image reference')
    .option('--port <spec>', '[hostIp:][hostPort:]containerPort[/proto], repeatable', collect);
  addSpecOptions(command).option('--host <id>', 'host agent to run on (default: DOCKHAND_HOST_ID or this hostname)');
  addFollowOptions(command)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(
      async (
        service: string,
        o: SpecOptions & { host?: string; detach?: boolean; timeout?: string; json?: boolean },
      ) => {
        const config = loadConfig();
        const request: EnsureServiceRequest = { service, host: o.host ?? config.hostId, spec: specFromOptions(o) };
        validate(EnsureServiceInput, request, 'input');
        const client = await connectClient(config);
        const handle = await startEnsureService(client, config, request);
        const url = workflowUrl(config, handle.workflowId);
        if (o.detach)
          return emit(o.json, { service }, `started ${handle.workflowId}: ${url}`, {
            workflowId: handle.workflowId,
            url,
          });
        await followAndReport(handle, {
          kind: 'phase',
          json: o.json,
          timeout: o.timeout,
          started: `started ${handle.workflowId} — ${url}`,
          reattach: `open ${url}`,
          url,
          human: (end) => {
            const r = end.result as EnsureResultShape;
            return `${r.containerName} is ${r.health} (${r.reused ? 'unchanged' : r.replaced ? 'replaced' : 'created'}), ports ${JSON.stringify(r.ports)}`;
          },
        });
      },
    );
  examples(command, 'dockhand ensure web --image nginx:1.27 --port 127.0.0.1:8080:80 --memory 256m');
}
