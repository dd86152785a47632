import type { Client } from '@temporalio/client';

/** A repair a fleet deploy left for a host that stopped answering (workflow fleetHostRepair), still running:
 * the host is not as before until its agent returns. */
export interface PendingRepair {
  workflowId: string;
  host: string;
  startedAt: string;
}

/** The running repairs of a service's hosts, by their ids (`repair/<service>/<host>/<run>`): found even before
 * a repair's first step has tagged it. */
export async function pendingRepairs(client: Client, service: string): Promise<PendingRepair[]> {
  const prefix = `repair/${service}/`;
  const query = `WorkflowType = 'fleetHostRepair' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH "${prefix}"`;
  const found: PendingRepair[] = [];
  for await (const r of client.workflow.list({ query })) {
    const host = r.workflowId.slice(prefix.length).split('/')[0]!;
    found.push({ workflowId: r.workflowId, host, startedAt: r.startTime.toISOString() });
  }
  return found;
}
