import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { ScanInput, type ScanRequest } from '../common/scan/scan-input';
import type { SecurityScanResult } from '../common/scan/scan-result';
import { validate } from '../common/spec/validate';
import { startPresentation, type Presentation } from './presentation';

export type SecurityScanHandle = WorkflowHandle<(r: ScanRequest) => Promise<SecurityScanResult>>;

/** Prefix of every security scan's workflow id; schedules start `security-scan/<schedule>-<time>`. */
export const SECURITY_SCAN_ID_PREFIX = 'security-scan';

/** Validates the request (bad input is refused here, naming the field) and starts securityScan.
 * Scans only read, so they take no lock: each run has its own id. */
export async function startSecurityScan(
  client: Client,
  config: DockhandConfig,
  request: ScanRequest,
): Promise<SecurityScanHandle> {
  const input = validate(ScanInput, request, 'input');
  const workflowId = `${SECURITY_SCAN_ID_PREFIX}/${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  return client.workflow.start('securityScan', {
    taskQueue: config.orchestratorTaskQueue,
    workflowId,
    args: [input],
    ...startPresentation(scanPresentation(input, 'the dockhand CLI (`dockhand scan`)')),
  }) as Promise<SecurityScanHandle>;
}

/** What the Temporal UI shows of a security scan, started by hand or by its schedule. */
export function scanPresentation(input: ScanInput, startedBy: string): Presentation {
  const hosts = input.hosts.length ? input.hosts.join(', ') : 'all known hosts';
  return {
    workflowType: 'securityScan',
    summary: `security scan of ${hosts}`,
    what:
      'lists the containers to scan on every host (a host that does not answer is reported, not waited for), ' +
      'scans each one (image, runtime settings, filesystem), then writes the JSON, SARIF and Markdown reports ' +
      'and publishes one scan_finding event per container with findings. It only reads; nothing to answer.',
    facts: {
      Hosts: hosts,
      Labels: input.containers.labels.length ? input.containers.labels.join(', ') : undefined,
      'Started by': startedBy,
    },
    ...(input.hosts.length === 1 ? { host: input.hosts[0] } : {}),
  };
}
