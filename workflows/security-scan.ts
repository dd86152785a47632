import { ActivityFailure, ApplicationFailure, patched, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import { ErrorType } from '../common/errors';
import { ScanInput, type ScanRequest } from '../common/scan/scan-input';
import {
  baselineKey,
  type Baseline,
  type ContainerScan,
  type HostScan,
  type ScanTarget,
  type SecurityScanResult,
} from '../common/scan/scan-result';
import { selectContainers } from '../common/scan/selection';
import { reportParts } from '../common/scan/report-parts';
import { validate } from '../common/spec/validate';
import { mapBounded } from './lib/bounded';
import { enterPhase } from './lib/progress';
import { hostAgent, orchestratorActivities } from './lib/activity-options';
import { scanHosts, type ScanHost } from './lib/scan-hosts';
import { scanFindingEvents } from '../common/events/scan-findings';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Audits the containers of one or more hosts and writes a report — the runbook's "run the CIS checks
 * on every box, collect the results, compare with last time", durable. Hosts are scanned side by
 * side; a host that does not answer is reported and the others still scanned. No hosts given: every
 * host in the registry (the listKnownHosts result in history says which, and which were down).
 */
export async function securityScan(request: ScanRequest): Promise<SecurityScanResult> {
  const input = validate(ScanInput, request, 'input');
  const startedAt = new Date().toISOString();
  const reports = orchestratorActivities();
  tagWorkflow({});

  const targets = scanHosts(input.hosts, input.hosts.length ? undefined : await reports.listKnownHosts());
  if (!targets.length)
    throw ApplicationFailure.nonRetryable(
      'hosts: none given and no host agent has registered in the host registry; start a host agent or name hosts',
      ErrorType.BadSpec,
    );
  const hostIds = targets.map((t) => t.host);
  enterPhase(
    'scanning',
    `${hostIds.length} host(s): ${targets.map((t) => (t.down ? `${t.host} (down)` : t.host)).join(', ')}`,
  );
  const baseline = await reports.loadScanBaseline();
  const labels: Record<string, Record<string, string>> = {};
  const hosts = await Promise.all(targets.map((t) => scanHost(t, input, baseline, labels)));

  enterPhase('reporting', 'writing JSON, SARIF and Markdown reports');
  const { containers, checks, suppressions } = input;
  const id = reportId(startedAt);
  // The results go to the report store in bounded parts, never as one payload (review M8).
  const staged = patched('scan-staged-report') ? reportParts(hosts) : undefined;
  if (staged) await Promise.all(staged.map((part, i) => reports.stageScanPart({ reportId: id, part: i, hosts: part })));
  const result = await reports.writeScanReport({
    reportId: id,
    startedAt,
    finishedAt: new Date().toISOString(),
    input: { hosts: hostIds, containers, checks, suppressions },
    hosts: staged ? [] : hosts,
    ...(staged ? { parts: staged.length } : {}),
  });

  if (input.publishFindings) {
    enterPhase('publishing', 'one scan_finding event per container with findings, for the trigger rules');
    await reports.publishEvents({ events: scanFindingEvents(hosts, labels, input.suppressions, startedAt) });
  }
  const c = result.counts;
  enterPhase(
    'done',
    `score ${result.score}/100 — ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low; ${result.diff.new} new, ${result.diff.fixed} fixed; report ${result.reportDir}`,
  );
  return result;
}

async function scanHost(
  { host, down }: ScanHost,
  input: ScanInput,
  baseline: Baseline,
  labels: Record<string, Record<string, string>>,
): Promise<HostScan> {
  if (down) return { host, status: 'unreachable', error: down, containers: [] };
  const agent = hostAgent(host, { hostTimeoutMs: input.hostTimeoutMs });
  let targets: ScanTarget[];
  try {
    targets = selectContainers(
      await agent.listScanTargets({ labels: input.containers.labels, includeStopped: input.containers.includeStopped }),
      input.containers,
    );
  } catch (err) {
    return { host, status: 'unreachable', error: describe(err), containers: [] };
  }
  for (const t of targets) labels[`${host}/${t.id}`] = t.labels;
  // Once one scan times out the agent is presumed gone: the rest are reported, not waited for.
  let lost: string | undefined;
  const containers = await mapBounded(targets, input.concurrency, async (target): Promise<ContainerScan> => {
    const failed = (error: string): ContainerScan => ({
      host,
      id: target.id,
      name: target.name,
      image: target.image,
      imageId: '',
      status: 'error',
      error,
      findings: [],
      notApplicable: [],
      processes: [],
    });
    if (lost) return failed(lost);
    try {
      return await agent.scanContainer({
        host,
        target,
        checks: input.checks,
        baseline: baseline[baselineKey(host, target.name)],
      });
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure)
        lost = `host agent stopped answering: ${describe(err)}`;
      return failed(describe(err));
    }
  });
  return { host, status: 'scanned', containers };
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: Error };
  return e.cause ? `${e.message}: ${e.cause.message}` : e.message;
}

/** Sortable and unique per run: the start time plus the run id's first characters. */
function reportId(startedAt: string): string {
  return `${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${workflowInfo().runId.slice(0, 8)}`;
}
