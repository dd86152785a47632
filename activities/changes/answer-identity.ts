import type { Client } from '@temporalio/client';
import { verifyAnswer } from '../../common/answer-keys';
import type { AnswerSignature } from '../../common/answer-signature';

/** Which answer to look up: the n-th signal of a name (signals reach handlers in history order), or
 * an update by its id. */
export interface AnswerIdentityRequest {
  workflowId: string;
  runId: string;
  signal?: { name: string; ordinal: number };
  updateId?: string;
  /** A signed answer to verify (its form, window and nonce already checked by the workflow): the
   * signature, what it must be for, and the signer's public key from the policy. */
  signed?: { signature: AnswerSignature; action: string; publicKey: string };
}

/** What Temporal recorded: who sent the answer and who started the workflow (the requester). Absent
 * when the sender sent no identity (the Web UI sends none with an Update). */
export interface AnswerIdentity {
  identity?: string;
  requester?: string;
  /** For a signed answer: the signer, when the signature verifies (then the identity that counts). */
  signer?: string;
  /** For a signed answer: why it does not count ("refused: signature of ann does not verify"). */
  signatureRefusal?: string;
}

/**
 * Reads back from the workflow's history the identity Temporal recorded with an answer — workflow code
 * cannot see who sent a Signal or an Update, and the payload's `by` is whatever the sender typed.
 * Read-only; `client` connects on first use.
 */
export function createAnswerIdentityActivities(client: () => Promise<Client>) {
  return {
    async answerIdentity(req: AnswerIdentityRequest): Promise<AnswerIdentity> {
      return { ...(await recorded(req)), ...(req.signed ? verified(req, req.signed) : {}) };
    },
  };

  async function recorded(req: AnswerIdentityRequest): Promise<AnswerIdentity> {
    const c = await client();
    const history = await c.workflow.getHandle(req.workflowId, req.runId).fetchHistory();
    const out: AnswerIdentity = {};
    let seen = 0;
    for (const e of history.events ?? []) {
      const started = e.workflowExecutionStartedEventAttributes;
      if (started) out.requester = started.identity || undefined;
      const signaled = e.workflowExecutionSignaledEventAttributes;
      if (req.signal && signaled?.signalName === req.signal.name && ++seen === req.signal.ordinal)
        return { ...out, identity: signaled.identity || undefined };
      const accepted = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta;
      if (req.updateId && accepted?.updateId === req.updateId)
        return { ...out, identity: accepted.identity || undefined };
    }
    // Not in history: nothing to attribute it to. The answer is refused, never guessed.
    return out;
  }
}

/** Verifies a signed answer over this run: pure computation, so the verdict is the same on any worker. */
function verified(
  req: AnswerIdentityRequest,
  s: NonNullable<AnswerIdentityRequest['signed']>,
): Pick<AnswerIdentity, 'signer' | 'signatureRefusal'> {
  const refusal = verifyAnswer(
    s.publicKey,
    { workflowId: req.workflowId, runId: req.runId, action: s.action },
    s.signature,
  );
  return refusal ? { signatureRefusal: refusal } : { signer: s.signature.signer };
}
export type AnswerIdentityActivities = ReturnType<typeof createAnswerIdentityActivities>;
