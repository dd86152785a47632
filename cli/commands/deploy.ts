import type { Command } from 'commander';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { connectClient } from '../../client/connection';
import { followPhases } from '../../client/follow';
import type { BlueGreenRequest, BlueGreenResult } from '../../common/blue-green';
import { loadConfig } from '../../common/config';
import { parseDurationMs } from '../../common/spec/units';
import { failureText } from '../lib/failure-text';
import { addSpecOptions, specFromOptions, type SpecOptions } from '../lib/spec-options';
import { collect, int } from '../lib/parsers';

interface DeployOptions extends SpecOptions {
  host?: string;
  appPort: number;
  edgePort?: number;
  approval: boolean;
  approvalTimeout?: string;
  approver?: string[];
  bake?: string;
  healthTimeout?: string;
  smokePath?: string;
  smokeStatus?: number;
  oldColor?: 'running' | 'stopped';
  wait?: boolean;
  json?: boolean;
}

export function registerDeploy(program: Command): void {
  const command = program
    .command('deploy')
    .description('blue-green deploy of <service> behind its edge (workflow blueGreenDeploy, id deploy/<service>)')
    .argument('<service>', 'service name; its colors run as <service>-blue / <service>-green')
    .requiredOption('--image <ref>', 'the new image')
    .option('--app-port <port>', 'port the app listens on in its container', int, 80);
  addSpecOptions(command, 'user-defined network (default <service>-net)')
    .option('--edge-port <port>', 'host port the edge publishes (first deploy; default: a free one)', int)
    .option('--no-approval', 'switch without waiting for an approval')
    .option('--approval-timeout <duration>', 'how long to wait for an approval before rejecting (e.g. 30m)')
    .option('--approver <name>', 'identity allowed to approve/reject, repeatable (default: anyone)', collect)
    .option('--bake <duration>', 'rollback window after the switch (e.g. 5m)')
    .option('--health-timeout <duration>', 'how long the new color may take to become healthy')
    .option('--smoke-path <path>', 'GET this path on the new color before the approval')
    .option('--smoke-status <code>', 'status the smoke check expects', int)
    .option('--old-color <policy>', 'the old color during the bake: running | stopped')
    .option('--host <id>', 'host agent to run on (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--wait', 'follow the deploy phase by phase until it ends; exit non-zero if it fails')
    .option('--json', 'print the result as JSON')
    .action(async (service: string, o: DeployOptions) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const request: BlueGreenRequest = {
        service,
        host: o.host ?? config.hostId,
        spec: specFromOptions(o),
        appPort: o.appPort,
        approval: {
          required: o.approval,
          ...(o.approvalTimeout ? { timeoutMs: parseDurationMs(o.approvalTimeout) } : {}),
          approvers: o.approver ?? [],
        },
        ...(o.bake ? { bakeMs: o.bake } : {}),
        ...(o.healthTimeout ? { healthTimeoutMs: o.healthTimeout } : {}),
        ...(o.smokePath
          ? { smoke: { path: o.smokePath, ...(o.smokeStatus ? { expectStatus: o.smokeStatus } : {}) } }
          : {}),
        ...(o.oldColor ? { oldColorDuringBake: o.oldColor } : {}),
        ...(o.edgePort !== undefined ? { edge: { port: o.edgePort } } : {}),
      };
      const handle = await startBlueGreenDeploy(client, config, request);
      const link = `${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(handle.workflowId)}`;
      if (!o.wait) {
        console.log(
          o.json
            ? JSON.stringify({ workflowId: handle.workflowId, ui: link })
            : `started ${handle.workflowId} — ${link}\nfollow it there; answer with "dockhand approve ${service}" or "dockhand reject ${service}"`,
        );
        return;
      }
      if (!o.json) console.error(`started ${handle.workflowId} — ${link}`);
      try {
        const result = await followPhases<BlueGreenResult>(handle, (p) => {
          if (!o.json)
            console.error(
              `[${(p.elapsedMs / 1000).toFixed(1).padStart(6)}s] ${p.phase}${p.details ? ` — ${p.details.replace(/\n+/g, '\n           ')}` : ''}`,
            );
        });
        console.log(
          o.json
            ? JSON.stringify(result)
            : `${service}: ${result.liveContainer} (${result.liveColor}) serves ${result.image} on http://${result.edge.hostIp}:${result.edge.hostPort} — ${(result.timings.totalMs / 1000).toFixed(1)}s, approval ${result.approval.outcome}${result.approval.by ? ` by ${result.approval.by}` : ''}`,
        );
      } catch (err) {
        throw new Error(`${handle.workflowId} failed: ${failureText(err)}`, { cause: err });
      }
    });
}
