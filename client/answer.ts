import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { approveSignal, rejectSignal, rollbackSignal, type Answer } from '../common/signals';
import { serviceChangeId } from '../common/workflow-ids';

const SIGNALS = { approve: approveSignal, reject: rejectSignal, rollback: rollbackSignal } as const;
export type AnswerKind = keyof typeof SIGNALS;

/** Sends approve / reject / rollback to whatever change of the service runs under deploy/<service>
 * (a blue-green deploy, a rolling update) — the same signal the Web UI's "Send a Signal" sends. */
export async function answerDeploy(client: Client, service: string, kind: AnswerKind, answer: Answer): Promise<{ workflowId: string; runId: string }> {
  if (!answer.by?.trim()) throw new Error(`${kind}: say who answers (--by <name>)`);
  const workflowId = serviceChangeId(service);
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe().catch((e) => {
    if (e instanceof WorkflowNotFoundError) throw new Error(`no change of ${service} has run (no workflow ${workflowId})`);
    throw e;
  });
  if (description.status.name !== 'RUNNING') throw new Error(`no change of ${service} is running (${workflowId} is ${description.status.name.toLowerCase()})`);
  await handle.signal(SIGNALS[kind], answer);
  return { workflowId, runId: description.runId };
}
