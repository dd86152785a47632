import { DeployErrorType } from '../errors';
import type { Notification } from './notification';

/** Workflows whose end people hear of when it is a failure or a rollback: the changes, the remediations
 * and the scan (a scheduled scan that fails is a gap in the audit). Not the read-only helpers
 * (status, logs, report reading), nor the notifications' own workflow. */
const NOTIFIED_END_TYPES: readonly string[] = [
  'blueGreenDeploy',
  'rollingUpdate',
  'canaryDeploy',
  'fleetCanaryDeploy',
  'fleetBlueGreenDeploy',
  'fleetHostRepair',
  'ensureService',
  'deployGuardRollback',
  'remediateHarden',
  'remediateCleanup',
  'restartUnhealthy',
  'memoryPressure',
  'securityScan',
];

/** How a workflow ended, as the end-notice interceptor sees it. */
export interface ChangeEnd {
  type: string;
  workflowId: string;
  /** From the workflow's input, when it names them. */
  service?: string;
  host?: string;
  /** The result (completed) — a rollout that rolled back completes with outcome "rolled-back". */
  result?: unknown;
  /** The failure (failed): its ApplicationFailure type and innermost message. */
  error?: { type?: string; message: string };
}

/** What a change's end says to people; the notifier adds where and which run. */
export type EndNotice = Pick<Notification, 'kind' | 'severity' | 'title' | 'text'> & {
  step: 'failed' | 'rolled-back';
  service?: string;
  host?: string;
};

/**
 * The notice for a change that failed or rolled back, or undefined (it succeeded, or its type is not
 * one people hear of). Severity: critical when the undo itself failed (things are NOT as before: that
 * pages), info when a person rejected it (they know), warning otherwise. Pure.
 */
export function changeEndNotice(end: ChangeEnd): EndNotice | undefined {
  if (!NOTIFIED_END_TYPES.includes(end.type)) return undefined;
  const subject = end.service ? `${end.type} of ${end.service}` : `${end.type} ${end.workflowId}`;
  const where = { ...(end.service ? { service: end.service } : {}), ...(end.host ? { host: end.host } : {}) };
  const outcome = (end.result as { outcome?: unknown } | undefined)?.outcome;
  if (!end.error && outcome === 'rolled-back') {
    const reason = (end.result as { reason?: unknown }).reason;
    return {
      step: 'rolled-back',
      kind: 'rolled-back',
      severity: 'warning',
      title: `${subject} rolled back`,
      text: `${end.workflowId} rolled back${typeof reason === 'string' && reason ? `: ${reason}` : ''}.`,
      ...where,
    };
  }
  if (!end.error) return undefined;
  const { type, message } = end.error;
  if (type === DeployErrorType.RolledBack || type === DeployErrorType.CanaryAborted)
    return {
      step: 'rolled-back',
      kind: 'rolled-back',
      severity: 'warning',
      title: `${subject} rolled back`,
      text: `${end.workflowId} rolled back: ${message}`,
      ...where,
    };
  const severity =
    type === DeployErrorType.CompensationIncomplete
      ? 'critical'
      : type === DeployErrorType.Rejected
        ? 'info'
        : 'warning';
  return {
    step: 'failed',
    kind: 'failed',
    severity,
    title: `${subject} failed${severity === 'critical' ? ' and is NOT as before' : ''}`,
    text: `${end.workflowId} failed: ${message}`,
    ...where,
  };
}
