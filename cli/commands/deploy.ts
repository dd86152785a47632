import type { FleetRollingResult } from '../../common/fleet-rolling';
import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { startDeploy } from '../../client/deploy';
import type { BlueGreenRequest, BlueGreenResult } from '../../common/blue-green';
import { BlueGreenInput } from '../../common/blue-green';
import { loadConfig } from '../../common/config';
import {
  ServiceFileError,
  resolveDeploy,
  type ResolvedDeploy,
  type ServiceOverrides,
} from '../../common/service-file/resolve';
import type { RollingUpdateResult } from '../../common/rolling-update';
import { parseDurationMs } from '../../common/spec/units';
import { validate } from '../../common/spec/validate';
import { collect, duration, int, oneOf } from '../lib/parsers';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { addFollowOptions } from '../lib/follow-options';
import { followAndReport } from '../lib/follow-change';
import { workflowUrl } from '../lib/links';
import { rolloutSummary } from '../lib/rollout-output';
import { serviceFilePath, configOrigin } from '../../client/service-file';
import { configFlag, optionalServiceFile } from '../lib/service-file';
import { safeUserName } from '../lib/identity';
import { addSpecOptions, specFromOptions, type SpecOptions } from '../lib/spec-options';

interface DeployOptions extends Partial<SpecOptions> {
  host?: string;
  appPort?: number;
  edgePort?: number;
  approval: boolean;
  approvalTimeout?: string;
  approver?: string[];
  bake?: string;
  healthTimeout?: string;
  smokePath?: string;
  smokeStatus?: number;
  oldColor?: 'running' | 'stopped';
  detach?: boolean;
  timeout?: string;
  json?: boolean;
}

export function registerDeploy(program: Command): void {
  const command = program
    .command('deploy')
    .description(
      'deploy <service> as the service file (dockhand.yml) declares it: blue-green or rolling, under deploy/<service>; follows it until it ends',
    )
    .argument(
      '<service>',
      'a service of the service file (or any name, with --image and flags, for a one-off blue-green)',
    )
    .option('--image <ref>', "the image to deploy (default: the service file's image)")
    .option('--app-port <port>', 'port the app listens on in its container (default 80)', int);
  addSpecOptions(command, 'user-defined network (default <service>-net)')
    .option('--edge-port <port>', 'host port the edge publishes (first deploy; default: a free one)', int)
    .option(
      '--no-approval',
      'switch without waiting for an approval (refused for a service whose answers must be signed, unless its file sets approval.allowSkip)',
    )
    .option('--approval-timeout <duration>', 'how long to wait for an approval before rejecting (e.g. 30m)', duration)
    .option('--approver <name>', 'identity allowed to approve/reject, repeatable (default: anyone)', collect)
    .option('--bake <duration>', 'rollback window after the switch (e.g. 5m)', duration)
    .option('--health-timeout <duration>', 'how long the new version may take to become healthy', duration)
    .option('--smoke-path <path>', 'GET this path on the new color before the approval')
    .option('--smoke-status <code>', 'status the smoke check expects', int)
    .option('--old-color <policy>', 'the old color during the bake: running | stopped', oneOf('running', 'stopped'))
    .option('--host <id>', "host agent to run on (default: the service's only host, or DOCKHAND_HOST_ID)");
  addFollowOptions(command)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async function (this: Command, service: string, o: DeployOptions) {
      const config = loadConfig();
      const resolved = resolveFromFileOrFlags(this, service, o, config.hostId);
      // Who starts the change is who may not approve it: the identity Temporal records with the start.
      const client = await connectClient(config, { identity: resolved.input.origin?.requestedBy ?? safeUserName() });
      const handle = await startDeploy(client, config, resolved);
      const url = workflowUrl(config, handle.workflowId);
      const overridden = resolved.input.origin?.overrides ?? [];
      const started = `started ${handle.workflowId} (${resolved.strategy} of ${resolved.input.spec.image} on ${resolved.host}${overridden.length ? `; for this run: ${overridden.join(', ')}` : ''}) — ${url}`;
      const about = { service, strategy: resolved.strategy, image: resolved.input.spec.image, host: resolved.host };
      if (o.detach)
        return emit(
          o.json,
          about,
          `${started}\nfollow it with "dockhand status ${service} --follow"; answer with "dockhand approve ${service}" or "dockhand reject ${service}"`,
          { workflowId: handle.workflowId, url },
        );
      await followAndReport(handle, {
        // A fleet rollout's status is phases and hosts (each host's batches are in its own child).
        kind: resolved.workflowType === 'fleetRollingUpdate' ? 'phase' : resolved.strategy,
        json: o.json,
        timeout: o.timeout,
        started,
        reattach: `dockhand status ${service} --follow`,
        url,
        extra: { service, strategy: resolved.strategy },
        human: (end) => successLine(service, resolved, end.result),
      });
    });
  examples(
    command,
    'dockhand deploy web                       # the image the service file names; follows until it ends',
    'dockhand deploy web --image web:v2 --detach',
    'dockhand deploy api --image api:v3 --bake 5m --timeout 30m --json > result.json',
  );
}

/** The deploy as the service file says, with the flags given overriding single fields for this run;
 * without a file entry, the flags alone (a one-off blue-green, as before the service file). */
function resolveFromFileOrFlags(
  command: Command,
  service: string,
  o: DeployOptions,
  defaultHost: string,
): ResolvedDeploy {
  const loaded = optionalServiceFile(command);
  const requestedBy = safeUserName();
  if (loaded?.file.services[service]) {
    try {
      return resolveDeploy(loaded.file, service, {
        ...(o.image ? { image: o.image } : {}),
        ...(o.host ? { host: o.host } : {}),
        overrides: overridesFromFlags(command, o),
        origin: {
          source: 'cli',
          requestedBy,
          config: configOrigin(loaded),
        },
      });
    } catch (e) {
      throw e instanceof ServiceFileError ? new Error(loaded.explain(e)) : e;
    }
  }
  if (!o.image) {
    const where = loaded
      ? `${loaded.path} declares no service "${service}" (it has: ${Object.keys(loaded.file.services).join(', ') || 'none'})`
      : `there is no service file (${serviceFilePath(configFlag(command))})`;
    throw new Error(
      `${where}: declare ${service} under services: (see docs/service-file.md), or give --image for a one-off deploy from flags`,
    );
  }
  const request: BlueGreenRequest = {
    service,
    host: o.host ?? defaultHost,
    spec: specFromOptions({ ...o, image: o.image }),
    appPort: o.appPort ?? 80,
    approval: {
      required: o.approval,
      ...(o.approvalTimeout ? { timeoutMs: parseDurationMs(o.approvalTimeout) } : {}),
      approvers: o.approver ?? [],
    },
    ...(o.bake ? { bakeMs: o.bake } : {}),
    ...(o.healthTimeout ? { healthTimeoutMs: o.healthTimeout } : {}),
    ...(o.smokePath ? { smoke: { path: o.smokePath, ...(o.smokeStatus ? { expectStatus: o.smokeStatus } : {}) } } : {}),
    ...(o.oldColor ? { oldColorDuringBake: o.oldColor } : {}),
    ...(o.edgePort !== undefined ? { edge: { port: o.edgePort } } : {}),
    origin: { source: 'cli', requestedBy },
  };
  const input = validate(BlueGreenInput, request, 'input');
  return { strategy: 'blue-green', workflowType: 'blueGreenDeploy', service, host: input.host, input };
}

/** The flags given on this command line as service-file fields (only those typed, never defaults). */
function overridesFromFlags(command: Command, o: DeployOptions): ServiceOverrides {
  const given = (key: string) => command.getOptionValueSource(key) === 'cli';
  const spec = specFromOptions({ ...o, image: 'unused' });
  const container = {
    ...(given('env') ? { env: spec.env } : {}),
    ...(given('network') ? { network: spec.network } : {}),
    ...(given('init') ? { init: true } : {}),
    ...(spec.healthcheck ? { healthcheck: spec.healthcheck } : {}),
    ...(spec.resources ? { resources: spec.resources } : {}),
    ...(given('user') ? { user: spec.user } : {}),
  };
  const approval = {
    ...(given('approval') ? { required: o.approval } : {}),
    ...(o.approvalTimeout ? { timeout: o.approvalTimeout } : {}),
    ...(o.approver ? { approvers: o.approver } : {}),
  };
  if (given('port'))
    throw new Error(
      '--port: a service behind an edge publishes through the edge (edge.port in the service file, or --edge-port)',
    );
  return {
    ...(Object.keys(container).length ? { container } : {}),
    ...(Object.keys(approval).length ? { approval } : {}),
    ...(o.appPort !== undefined ? { port: o.appPort } : {}),
    ...(o.edgePort !== undefined ? { edge: { port: o.edgePort } } : {}),
    ...(o.bake ? { bake: o.bake } : {}),
    ...(o.healthTimeout ? { healthTimeout: o.healthTimeout } : {}),
    ...(o.smokePath ? { smoke: { path: o.smokePath, ...(o.smokeStatus ? { expectStatus: o.smokeStatus } : {}) } } : {}),
    ...(o.oldColor ? { oldColor: o.oldColor } : {}),
  };
}

/** "web: app:v2 on 3 hosts — h1 updated (2 replicas), …". */
function fleetRolloutSummary(f: FleetRollingResult): string {
  const hosts = f.hosts.map((h) => `${h.host} ${h.result.outcome} (${h.result.updated.length} replicas rolled)`);
  return `${f.service}: ${f.image} on ${f.hosts.length} hosts — ${hosts.join(', ')}`;
}

function successLine(service: string, r: ResolvedDeploy, result: unknown): string {
  if (r.workflowType === 'fleetRollingUpdate') return fleetRolloutSummary(result as FleetRollingResult);
  if (r.strategy === 'rolling') return rolloutSummary(result as RollingUpdateResult);
  if (r.strategy === 'canary') {
    const c = result as { why: string; image: string; checks: unknown[]; timings: { totalMs: number } };
    return `${service}: canary promoted on ${r.host} (${c.why}): ${c.image} serves every request — ${c.checks.length} checks, ${(c.timings.totalMs / 1000).toFixed(1)}s`;
  }
  const b = result as BlueGreenResult;
  return `${service}: ${b.liveContainer} (${b.liveColor}) serves ${b.image} on http://${b.edge.hostIp}:${b.edge.hostPort} — ${(b.timings.totalMs / 1000).toFixed(1)}s, approval ${b.approval.outcome}${b.approval.by ? ` by ${b.approval.by}` : ''}`;
}
