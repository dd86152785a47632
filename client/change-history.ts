import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApprovalDecision } from '../common/approval';
import type { ContainerSpec } from '../common/spec/container-spec';
import { DeployErrorType } from '../common/errors';
import { serviceChangeId } from '../common/workflow-ids';
import { failureText } from './failure-text';

/** One change of a service (a run of deploy/<service>), as `status` and `rollback` read it. */
export interface ChangeRecord {
  runId: string;
  type: string;
  status: string;
  startedAt: string;
  closedAt?: string;
  outcome: 'running' | 'succeeded' | 'failed' | 'rolled-back' | 'cancelled' | 'terminated' | 'timed-out';
  image?: string;
  spec?: ContainerSpec;
  approval?: ApprovalDecision;
  failure?: string;
}

interface DeployResultShape {
  spec?: ContainerSpec;
  image?: string;
  approval?: ApprovalDecision;
  outcome?: string;
}

/** The last `limit` changes of a service, newest first, with each closed run's outcome and result. */
export async function recentChanges(client: Client, service: string, limit = 3): Promise<ChangeRecord[]> {
  const workflowId = serviceChangeId(service);
  const runs = [];
  for await (const r of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    runs.push(r);
    if (runs.length >= limit) break;
  }
  return Promise.all(
    runs.map(async (r): Promise<ChangeRecord> => {
      const base = {
        runId: r.runId,
        type: r.type,
        status: r.status.name,
        startedAt: r.startTime.toISOString(),
        ...(r.closeTime ? { closedAt: r.closeTime.toISOString() } : {}),
      };
      if (r.status.name === 'RUNNING') return { ...base, outcome: 'running' };
      if (r.status.name !== 'COMPLETED' && r.status.name !== 'FAILED')
        return { ...base, outcome: r.status.name.toLowerCase().replace('_', '-') as ChangeRecord['outcome'] };
      try {
        const result = (await client.workflow.getHandle(workflowId, r.runId).result()) as DeployResultShape;
        // A deploy guard that rolled back deployed the previous spec: that is what runs now.
        const guard = r.type === 'deployGuardRollback';
        const changed = guard ? result.spec !== undefined : result.outcome !== 'rolled-back';
        return { ...base, outcome: changed ? 'succeeded' : guard ? 'failed' : 'rolled-back', ...fromResult(result) };
      } catch (err) {
        const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
        const rolledBack = cause instanceof ApplicationFailure && cause.type === DeployErrorType.RolledBack;
        const details = (rolledBack ? cause.details?.[0] : undefined) as DeployResultShape | undefined;
        return {
          ...base,
          outcome: rolledBack ? 'rolled-back' : 'failed',
          ...(details ? { approval: details.approval } : {}),
          failure: failureText(cause ?? err),
        };
      }
    }),
  );
}

function fromResult(r: DeployResultShape) {
  const spec = r.spec;
  return {
    ...(spec ? { spec, image: spec.image } : r.image ? { image: r.image } : {}),
    ...(r.approval ? { approval: r.approval } : {}),
  };
}

/**
 * What `dockhand rollback` goes back to after a change completed: the newest successful change whose
 * spec differs from the live one (the newest successful change). A second rollback therefore goes
 * forward again, like switching colors. Undefined when there is nothing to go back to.
 */
export function rollbackTarget(changes: ChangeRecord[]): { live: ChangeRecord; target: ChangeRecord } | undefined {
  const done = changes.filter((c) => c.outcome === 'succeeded' && c.spec);
  const live = done[0];
  if (!live) return undefined;
  const target = done.find((c) => JSON.stringify(c.spec) !== JSON.stringify(live.spec));
  return target ? { live, target } : undefined;
}
