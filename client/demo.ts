import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { BlueGreenStatus } from '../common/blue-green';
import type { DockhandConfig } from '../common/config';
import { resolveDeploy, serviceHosts, serviceSettings, type ServiceOverrides } from '../common/service-file/resolve';
import { serviceChangeId } from '../common/workflow-ids';
import { deployEnd, startDeploy, type DeployOutcome } from './deploy';
import { followPhases } from './follow';
import { readServiceStatus } from './service-status';
import { probeUrl } from './url-probe';
import { configOrigin, type LoadedServiceFile } from './service-file';

/** What the demo (`npm start`) works from: the demo service file and the version it deploys next. */
export interface DemoOptions {
  loaded: LoadedServiceFile;
  service: string;
  /** The image the approvable deploy goes to (v2); when it is live already, the file's image (v1) is. */
  nextImage: string;
  /** How the printed commands name the service file (`--config <this>`). */
  configArg: string;
  requestedBy: string;
  print: (line: string) => void;
}

export interface DemoEnd {
  outcome: DeployOutcome;
  /** The image the approvable deploy went to. */
  image: string;
  /** Where the demo service answers (through its edge). */
  url: string;
  /** Requests the probe sent to `url` while the deploy ran, how many of them failed, and how the first
   * few failed (seconds into the probe, and the answer or the error). */
  probe: { requests: number; failed: number; failures: string[] };
  failure?: string;
}

/**
 * The demo's steps, without the stack and the workers: the demo service at its first version
 * (deployed without approval when nothing serves yet), then a blue-green deploy to the other version
 * that waits for approval, printing where and how to answer, followed live until it ends. A change
 * already running (an earlier `npm start` stopped while it waited) is followed instead of a new one.
 */
export async function runDemo(client: Client, config: DockhandConfig, o: DemoOptions): Promise<DemoEnd> {
  const { file } = o.loaded;
  const settings = serviceSettings(file, o.service);
  const host = serviceHosts(file, o.service)[0]!;
  if (!settings.edge?.port)
    throw new Error(`${o.loaded.path}: services.${o.service}.edge.port: the demo needs a fixed port to print its URL`);
  const url = `http://${settings.edge.hostIp ?? '127.0.0.1'}:${settings.edge.port}${settings.verifyPath ?? '/'}`;
  const changeId = serviceChangeId(o.service);
  const cmd = (args: string) => `npx dockhand --config ${o.configArg} ${args}`;

  const running = await client.workflow
    .getHandle(changeId)
    .describe()
    .catch((e: unknown) => {
      if (e instanceof WorkflowNotFoundError) return undefined; // no change of the service ever ran
      throw e;
    });
  if (running?.status.name === 'RUNNING') {
    o.print(
      `A change of ${o.service} is already running (${running.type}, started ${running.startTime.toISOString()}).`,
    );
    o.print('Following it instead of starting another (one change per service at a time).');
    return follow(client.workflow.getHandle(changeId, running.runId), running.runId, '');
  }

  let live = await liveImage(client, config, o.service, host);
  if (!live) {
    o.print(`Step 1/2: ${o.service} at ${settings.image}, without approval (nothing serves yet)`);
    const first = await start({ approval: { required: false }, bake: 0 });
    await followPhases(first.handle, (p) => o.print(phaseLine(p))).catch(() => undefined);
    const end = await deployEnd(first.handle, first.runId);
    if (end.outcome !== 'succeeded') throw new Error(`the first deploy of ${o.service} ${end.outcome}: ${end.failure}`);
    live = settings.image;
  } else o.print(`Step 1/2: ${o.service} already serves ${live} on ${url}`);

  const target = live === o.nextImage ? settings.image : o.nextImage;
  if (live === o.nextImage)
    o.print(
      `${o.nextImage} is live already (an earlier run): this run deploys ${target} back, with the same approval.`,
    );
  o.print(`Step 2/2: blue-green deploy ${live} → ${target}; it waits for your approval before the switch`);
  o.print(`The service answers throughout on ${url}`);
  const next = await start({ image: target });
  return follow(next.handle, next.runId, target);

  async function start(overrides: ServiceOverrides & { image?: string }) {
    const { image, ...rest } = overrides;
    const resolved = resolveDeploy(file, o.service, {
      ...(image ? { image } : {}),
      host,
      overrides: rest,
      origin: { source: 'cli', requestedBy: o.requestedBy, config: configOrigin(o.loaded) },
    });
    const handle = await startDeploy(client, config, resolved, { demo: true });
    const runId = (await handle.describe()).runId;
    return { handle, runId };
  }

  /** Follows a deploy phase by phase (the approval block when it waits), probing the URL meanwhile. */
  async function follow(handle: WorkflowHandle, runId: string, image: string): Promise<DemoEnd> {
    const link = `${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(handle.workflowId)}/${runId}`;
    const probe = probeUrl(url, (answer) => o.print(`           ${url} now answers ${answer}`));
    await followPhases(handle, (p) => {
      o.print(phaseLine(p));
      if (p.phase === 'awaiting-approval') o.print(approvalBlock(link));
    }).catch(() => undefined);
    const end = await deployEnd(handle, runId);
    const counts = await probe.stop();
    const status = await handle.query<BlueGreenStatus>('status').catch(() => undefined);
    const deployed = image || status?.newImage || '';
    o.print(
      end.outcome === 'succeeded'
        ? `Done: ${o.service} serves ${deployed} on ${url}`
        : `The deploy ${end.outcome === 'rolled-back' ? 'was rolled back' : 'failed'}: ${end.failure}`,
    );
    o.print(
      `           ${counts.requests} requests to ${url} while it ran, ${counts.failed} failed` +
        (counts.failures.length ? ` (${counts.failures.join('; ')})` : ''),
    );
    o.print(`           what runs now: ${cmd(`status ${o.service}`)}`);
    return {
      outcome: end.outcome,
      image: deployed,
      url,
      probe: counts,
      ...(end.failure ? { failure: end.failure } : {}),
    };
  }

  function approvalBlock(link: string): string {
    return [
      '',
      '  ⏸  Waiting for approval. Answer in the Temporal UI or with the CLI:',
      `     UI       ${link}`,
      '              the workflow page: actions menu (top right) → Send a Signal → name "approve"',
      '              (or "reject"), input {"comment": "<why>"} → Submit',
      `     approve  npx dockhand approve ${o.service} --comment "looks good"`,
      `     reject   npx dockhand reject ${o.service} --comment "not now"`,
      `     meanwhile the old version keeps answering: curl ${url}`,
      ...(settings.bake
        ? [`     during the ${settings.bake / 1000} s bake after the switch: npx dockhand rollback ${o.service}`]
        : []),
      '',
    ].join('\n');
  }
}

/** The image of the color that serves now (Docker is the truth), or undefined when nothing does. */
async function liveImage(
  client: Client,
  config: DockhandConfig,
  service: string,
  host: string,
): Promise<string | undefined> {
  const status = await readServiceStatus(client, config, { service, hosts: [host] });
  const h = status.hosts[0];
  if (h?.error) throw new Error(`host ${host} did not answer: ${h.error}`);
  const colored = (h?.containers ?? []).filter((c) => c.color && c.running);
  return colored.length === 1 ? colored[0]!.image : undefined;
}

function phaseLine(p: { phase: string; details: string; elapsedMs: number }): string {
  const first = p.details.split('\n')[0] ?? '';
  return `[${(p.elapsedMs / 1000).toFixed(1).padStart(6)}s] ${p.phase}${first ? ` — ${first}` : ''}`;
}
