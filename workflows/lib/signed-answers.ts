import { GOES_AHEAD, SYSTEM_IDENTITIES, type AnswerAction, type AnswerPolicy } from '../../common/answer-policy';
import { signatureProblem } from '../../common/answer-signature';
import type { Answer } from '../../common/signals';
import type { AnswerIdentity, AnswerIdentityRequest } from '../../activities/changes/answer-identity';

/**
 * Signed answers in the workflow (common/answer-signature.ts): what can be checked without cryptography
 * (required but missing, form, time window, nonce reuse) is checked here, deterministically; the
 * signature itself is verified by the `answerIdentity` activity, which the answer desk calls anyway.
 */

/** Nonces of signed answers taken so far (per workflow execution): a captured signed answer cannot be
 * sent again. */
const noncesUsed = new Set<string>();

const mayPutBackUnsigned = (action: AnswerAction) => !GOES_AHEAD.includes(action);

/** For the Update validator: why this answer is refused before it enters history, or undefined. */
export function unsignedRefusal(policy: AnswerPolicy, subject: string, action: AnswerAction, a: Answer | undefined) {
  return signatureProblem(policy, subject, a?.signature, Date.now(), noncesUsed, mayPutBackUnsigned(action));
}

/** What a signed answer needs, taken on arrival (before any await, so two answers with one nonce cannot
 * both pass): the refusal found without cryptography, or what the activity must verify. */
export interface SignedArrival {
  signed: boolean;
  refusal?: string;
  verify?: AnswerIdentityRequest['signed'];
}

export function signedArrival(
  policy: AnswerPolicy,
  subject: string,
  action: AnswerAction,
  a: Answer | undefined,
): SignedArrival {
  const signature = a?.signature;
  const refusal = unsignedRefusal(policy, subject, action, a);
  if (refusal || !signature) return { refusal, signed: false };
  noncesUsed.add(signature.nonce);
  return { signed: true, verify: { signature, action, publicKey: policy.keys![signature.signer]! } };
}

/** The identity that counts: a signed answer's verified signer (never the typed `by`, nor the
 * client-supplied identity Temporal recorded); unsigned, the recorded identity — unless the policy
 * requires signatures and it is not a system identity. Returns a refusal instead where it does not count. */
export function countedIdentity(
  policy: AnswerPolicy,
  subject: string,
  arrival: SignedArrival,
  recorded: AnswerIdentity,
): { identity: string | undefined; refusal?: string } {
  if (arrival.refusal) return { identity: recorded.identity, refusal: arrival.refusal };
  if (arrival.signed)
    return recorded.signatureRefusal
      ? { identity: recorded.identity, refusal: recorded.signatureRefusal }
      : { identity: recorded.signer };
  const id = recorded.identity;
  const system = id !== undefined && (SYSTEM_IDENTITIES.includes(id) || (policy.systemIdentities ?? []).includes(id));
  if (policy.requireSignatures && !system)
    return { identity: id, refusal: `refused: ${subject} requires signed answers; ${id ?? 'this answer'} sent none` };
  return { identity: id };
}
