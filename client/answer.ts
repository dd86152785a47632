import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  pauseSignal,
  pauseUpdate,
  promoteSignal,
  promoteUpdate,
  rejectSignal,
  rejectUpdate,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  type Answer,
} from '../common/signals';
import { answerTargets } from '../common/workflow-ids';
import { describeIfAny } from './describe-if-any';
import type { AnswerSignature, SignedAnswerFields } from '../common/answer-signature';

/** Signs an answer once its run is known (common/answer-keys.ts signAnswer with the approver's key). */
export type AnswerSigner = (f: Pick<SignedAnswerFields, 'workflowId' | 'runId' | 'action'>) => AnswerSignature;

const ANSWERS = {
  approve: { signal: approveSignal, update: approveUpdate },
  reject: { signal: rejectSignal, update: rejectUpdate },
  rollback: { signal: rollbackSignal, update: rollbackUpdate },
  resume: { signal: resumeSignal, update: resumeUpdate },
  pause: { signal: pauseSignal, update: pauseUpdate },
  promote: { signal: promoteSignal, update: promoteUpdate },
  abort: { signal: abortSignal, update: abortUpdate },
} as const;
export type AnswerKind = keyof typeof ANSWERS;

/** An answer the workflow refused ("refused: bob is not an approver of api", "nothing is waiting for
 * approval"): the message is the workflow's own words. */
export class AnswerRefusedError extends Error {
  override name = 'AnswerRefusedError';
}

/** Sends approve / reject / rollback / resume to the workflow that waits on `target` — the change of a
 * service under deploy/<service> (blue-green, rolling), the hardening of a container on `host`, or any
 * workflow named by its full id (cleanup/<host>) — as an Update, so the sender learns the verdict:
 * `verdict` is what counted ("approved by alice (1 of 2)"); a refusal throws AnswerRefusedError. Who
 * answers is the client's identity (what Temporal records), not `answer.by`, which is display only. */
export async function answerDeploy(
  client: Client,
  target: string,
  kind: AnswerKind,
  answer: Answer,
  host?: string,
  sign?: AnswerSigner,
): Promise<{ workflowId: string; runId: string; verdict: string }> {
  const ids = answerTargets(target, host);
  const found = await Promise.all(
    ids.map(async (workflowId) => ({ workflowId, description: await describeIfAny(client, workflowId) })),
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
  const handle = client.workflow.getHandle(workflowId, description!.runId);
  // Signed for this run and this answer only: the workflow refuses it anywhere else, and a second time.
  if (sign) answer = { ...answer, signature: sign({ workflowId, runId: description!.runId, action: kind }) };
  const verdict = await handle.executeUpdate(ANSWERS[kind].update, { args: [answer] }).catch(async (e: Error) => {
    if (!(e instanceof WorkflowUpdateFailedError)) throw e;
    const why = e.cause?.message ?? e.message;
    // A run started before answers were Updates has no handler: it takes the Signal (no verdict).
    if (/unknown update|update.*not.*(registered|found)|no handler/i.test(why)) {
      await handle.signal(ANSWERS[kind].signal, answer);
      return `${kind} sent as a signal (this run predates answers with verdicts; see its details)`;
    }
    throw new AnswerRefusedError(why);
  });
  return { workflowId, runId: description!.runId, verdict };
}
