import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { approveSignal, rejectSignal, resumeSignal, rollbackSignal, type Answer } from '../common/signals';
import { answerTargets } from '../common/workflow-ids';

const SIGNALS = {
  approve: approveSignal,
  reject: rejectSignal,
  rollback: rollbackSignal,
  resume: resumeSignal,
} as const;
export type AnswerKind = keyof typeof SIGNALS;

/** Sends approve / reject / rollback / resume to the workflow that waits on `target` — the change of a service
 * under deploy/<service> (blue-green, rolling), the hardening of a container on `host`, or any
 * workflow named by its full id (cleanup/<host>) — the same signal the Web UI's "Send a Signal" sends. */
export async function answerDeploy(
  client: Client,
  target: string,
  kind: AnswerKind,
  answer: Answer,
  host?: string,
): Promise<{ workflowId: string; runId: string }> {
  if (!answer.by?.trim()) throw new Error(`${kind}: say who answers (--by <name>)`);
  const ids = answerTargets(target, host);
  const found = await Promise.all(
    ids.map(async (workflowId) => ({ workflowId, description: await describe(client, workflowId) })),
  );
  const running = found.filter((f) => f.description?.status.name === 'RUNNING');
  if (running.length > 1)
    throw new Error(
      `${running.map((r) => r.workflowId).join(' and ')} both run; answer one by its id: dockhand ${kind} <workflow id>`,
    );
  if (running.length === 0) {
    const seen = found.find((f) => f.description);
    if (ids.length === 1 && !seen) throw new Error(`no change of ${target} has run (no workflow ${ids[0]})`);
    if (seen)
      throw new Error(
        `no change of ${target} is running (${seen.workflowId} is ${seen.description!.status.name.toLowerCase()})`,
      );
    throw new Error(`nothing waits on ${target}: no workflow ${ids.join(' or ')}`);
  }
  const { workflowId, description } = running[0]!;
  await client.workflow.getHandle(workflowId).signal(SIGNALS[kind], answer);
  return { workflowId, runId: description!.runId };
}

async function describe(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .catch((e) => {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    });
}
