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
import { checkEnabled, selectContainers } from '../common/scan/selection';
import { VULN_CHECK_ID, type HostVulnScan } from '../common/scan/vulnerability';
import { reportParts } from '../common/scan/report-parts';
import { scanReportId } from '../common/scan/report-id';
import { validate } from '../common/spec/validate';
import { mapBounded } from './lib/bounded';
import { enterPhase } from './lib/progress';
import { hostAgent, orchestratorActivities } from './lib/activity-options';
import { scanHosts, type ScanHost } from './lib/scan-hosts';
import { scanFindingEvents } from '../common/events/scan-findings';
import { tagWorkflow } from './lib/workflow-tags';
import { notifyDetached } from './lib/notify';
import { fixesNotice, newFindingsNotice } from '../common/scan/scan-notices';
import { SCHEDULED_BY_ID } from '../common/search-attributes';

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
  const id = scanReportId(startedAt, workflowInfo().runId);
  const hosts = await Promise.all(targets.map((t) => scanHost(t, input, baseline, labels, id)));

  enterPhase('reporting', 'writing JSON, SARIF and Markdown reports');
  const { containers, checks, suppressions } = input;
  // The results go to the report store in bounded parts, never as one payload (review M8).
  const staged = patched('scan-staged-report') ? reportParts(hosts) : undefined;
  if (staged) await Promise.all(staged.map((part, i) => reports.stageScanPart({ reportId: id, part: i, hosts: part })));
  const result = await reports.writeScanReport({
    reportId: id,
    startedAt,
    finishedAt: new Date().toISOString(),
    input: { hosts: hostIds, containers, checks, suppressions },
    ...(hosts.some((h) => h.vulnerabilities) ? { vulnerabilities: input.vulnerabilities } : {}),
    hosts: staged ? [] : hosts,
    ...(staged ? { parts: staged.length } : {}),
  });

  await tellPeople(result, hostIds, reports);
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
  reportId: string,
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
  // Trivy reads the images while the containers are scanned, not after them: the scan then takes about
  // as long as the longer of the two, not their sum (cve_overhead of the scan bench). Old runs, whose
  // targets carried no image id, scanned the images after the containers.
  const alongside =
    targets.length > 0 &&
    targets.every((t) => t.imageId) &&
    checkEnabled(VULN_CHECK_ID, input.checks) &&
    patched(SCAN_VULNS_ALONGSIDE)
      ? scanVulnerabilities(
          host,
          agent,
          targets.map((t) => ({ imageId: t.imageId!, image: t.image })),
          input,
          reportId,
        )
      : undefined;
  const { containers, lost } = await scanContainers(host, agent, targets, input, baseline);
  const scanned: HostScan = { host, status: 'scanned', containers };
  if (alongside) return { ...scanned, vulnerabilities: await alongside };
  if (lost || !checkEnabled(VULN_CHECK_ID, input.checks) || !patched('scan-vulnerabilities')) return scanned;
  const images = containers
    .filter((c) => c.status === 'scanned' && c.imageId)
    .map((c) => ({ imageId: c.imageId, image: c.image }));
  return { ...scanned, vulnerabilities: await scanVulnerabilities(host, agent, images, input, reportId) };
}

/** Scans each container on the host, a few at a time. Once one scan times out the agent is presumed gone:
 * the rest are reported as such, not waited for. */
async function scanContainers(
  host: string,
  agent: ReturnType<typeof hostAgent>,
  targets: ScanTarget[],
  input: ScanInput,
  baseline: Baseline,
): Promise<{ containers: ContainerScan[]; lost?: string }> {
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
  return { containers, lost };
}

/** Marker: the images are scanned alongside the containers (from the listed targets' image ids). */
const SCAN_VULNS_ALONGSIDE = 'scan-vulns-alongside';

/** Trivy over the distinct images of the scanned containers; SBOMs go to the report store one by one
 * (never with the host's results, which stay small). A failed activity is reported, not thrown. */
async function scanVulnerabilities(
  host: string,
  agent: ReturnType<typeof hostAgent>,
  images: Array<{ imageId: string; image: string }>,
  input: ScanInput,
  reportId: string,
): Promise<HostVulnScan> {
  if (!images.length) return { status: 'scanned', images: [] };
  const { sbom, imageTimeoutMs } = input.vulnerabilities;
  let result: HostVulnScan;
  try {
    result = await agent.scanImages({ images, sbom, imageTimeoutMs });
  } catch (err) {
    return { status: 'unavailable', reason: `the vulnerability scan failed: ${describe(err)}`, images: [] };
  }
  const stage = orchestratorActivities();
  for (const i of result.images)
    if (i.sbom) await stage.stageScanSbom({ reportId, host, imageId: i.imageId, image: i.image, sbom: i.sbom });
  return { ...result, images: result.images.map(({ sbom: _sbom, ...rest }) => rest) };
}

/** Marker: scan notices go to every channel without holding the scan, and a scheduled scan tells of
 * new critical/high findings (runs recorded before it awaited the webhook-only `notify` activity). */
const NOTIFY_SCAN = 'notify-scan-findings';

/** The remediation hook (each critical vulnerability that has a fix, with the command) and, for a scan a
 * schedule started, the new critical/high findings: handed over, never waited for. */
async function tellPeople(
  result: SecurityScanResult,
  hostIds: string[],
  reports: ReturnType<typeof orchestratorActivities>,
): Promise<void> {
  const fixes = result.remediation?.length ? fixesNotice(result.remediation, hostIds, result.reportDir) : undefined;
  const scheduleId = workflowInfo().typedSearchAttributes.get(SCHEDULED_BY_ID);
  const news = scheduleId ? newFindingsNotice(result, scheduleId) : undefined;
  if (!fixes && !news) return;
  if (!patched(NOTIFY_SCAN)) {
    if (!fixes) return;
    const { workflowId, runId } = workflowInfo();
    const { step, kind: _kind, ...rest } = fixes;
    await reports.notify({ ...rest, key: `${workflowId}/${runId}/${step}`, workflowId, runId });
    return;
  }
  if (fixes) await notifyDetached(fixes);
  if (news) await notifyDetached(news);
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: Error };
  return e.cause ? `${e.message}: ${e.cause.message}` : e.message;
}
