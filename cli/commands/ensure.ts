import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { startEnsureService } from '../../client/ensure-service';
import { loadConfig } from '../../common/config';
import { addSpecOptions, specFromOptions, type SpecOptions } from '../lib/spec-options';
import { collect } from '../lib/parsers';

export function registerEnsure(program: Command): void {
  const command = program
    .command('ensure')
    .description('make sure one healthy container of <service> runs the given image (workflow ensureService)')
    .argument('<service>', 'service name; also the container name')
    .requiredOption('--image <ref>', 'image reference')
    .option('--port <spec>', '[hostIp:][hostPort:]containerPort[/proto], repeatable', collect);
  addSpecOptions(command)
    .option('--host <id>', 'host agent to run on (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--json', 'print the result as JSON')
    .action(async (service: string, o: SpecOptions & { host?: string; json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const handle = await startEnsureService(client, config, {
        service,
        host: o.host ?? config.hostId,
        spec: specFromOptions(o),
      });
      if (!o.json) console.error(`started ${handle.workflowId}; waiting…`);
      const result = await handle.result();
      console.log(
        o.json
          ? JSON.stringify(result)
          : `${result.containerName} is ${result.health} (${result.reused ? 'unchanged' : result.replaced ? 'replaced' : 'created'}), ports ${JSON.stringify(result.ports)}`,
      );
    });
}
