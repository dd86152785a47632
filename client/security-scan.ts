import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { ScanInput, type ScanRequest } from '../common/scan/scan-input';
import type { SecurityScanResult } from '../common/scan/scan-result';
import { DockhandWorkflow } from '../common/search-attributes';
import { validate } from '../common/spec/validate';

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
    typedSearchAttributes: [{ key: DockhandWorkflow, value: 'securityScan' }],
    staticSummary: `security scan of ${input.hosts.length ? input.hosts.join(', ') : 'all known hosts'}`,
  }) as Promise<SecurityScanHandle>;
}
