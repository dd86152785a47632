import { answerComment } from './answers';
import {
  ApplicationFailure,
  currentUpdateInfo,
  log,
  patched,
  setHandler,
  workflowInfo,
  type SignalDefinition,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { judgeAnswer, type AnswerAction, type AnswerPolicy, type AnswerVerdict } from '../../common/answer-policy';
import type { RefusedAnswer } from '../../common/approval';
import type { Answer } from '../../common/signals';
import type { AnswerIdentityRequest } from '../../activities';
import { orchestratorActivities } from './activity-options';
import { noteRefused } from './refused-answers';
import { countedIdentity, signedArrival, unsignedRefusal, type SignedArrival } from './signed-answers';

/** Runs started since judge every answer with common/answer-policy.ts on the identity Temporal recorded
 * (one activity per answer) and take answers as Updates too. Older runs replay the typed-`by` check. */
const ANSWER_POLICY = 'answer-policy';

/** The failure type of a refused Update: the sender's client throws it with the refusal as message. */
const ANSWER_REFUSED = 'DockhandAnswerRefused';

export type CountedAnswer = Extract<AnswerVerdict, { counts: true }> & { comment?: string; at: string };

/** One kind of answer a workflow takes (approve, reject, rollback, resume, release). */
export interface AnswerPort<A extends Answer = Answer> {
  action: AnswerAction;
  signal: SignalDefinition<[A]>;
  update: UpdateDefinition<string, [A]>;
  description: string;
  policy: () => AnswerPolicy;
  /** What is answered, for the messages ("api", "cleanup/host-1"). */
  subject: string;
  /** Who asked for the change besides the workflow's starter (the input's requestedBy). */
  requesters?: readonly string[];
  /** Why this answer cannot be taken now ("nothing is waiting for approval"); undefined while it can. */
  closed: () => string | undefined;
  /** Who has approved the current step so far. */
  approvedBy?: () => readonly string[];
  /** Takes an answer that counts; returns what the sender is told (default: the verdict). */
  take: (answer: CountedAnswer, a: A) => string | void;
  /** A refusal, for the workflow's own record (the gate's decision lists them). */
  refused?: (r: RefusedAnswer) => void;
  /** Runs before the patch: the old check of the typed `by` (kept so old histories replay). */
  legacy: (a: A) => void;
}

/** Installs the Signal and the Update handler of one answer. Call once, at the top of the workflow. */
export function openAnswers<A extends Answer>(port: AnswerPort<A>): void {
  if (!patched(ANSWER_POLICY)) {
    setHandler(port.signal, (a) => port.legacy(a), { description: port.description });
    return;
  }
  const name = port.signal.name;
  setHandler(
    port.signal,
    async (a) => {
      // A Signal has no caller to tell: a refusal is logged and listed in the workflow's details.
      const outcome = await receive(port, a, { signal: name }).catch((e: Error) => e);
      if (outcome instanceof Error) log.warn(`${name} signal did not count: ${outcome.message}`);
    },
    { description: port.description },
  );
  setHandler(port.update, (a) => receive(port, a, { update: true }), {
    description: `${port.description} Returns the verdict; a refusal fails the update with its reason.`,
    validator: (a: A) => {
      if (a !== undefined && (typeof a !== 'object' || a === null))
        throw new Error(`${name}: the input must be an object such as {"comment": "<why>"}`);
      const closed = port.closed();
      if (closed) throw new Error(closed);
      const unsigned = unsignedRefusal(port.policy(), port.subject, port.action, a);
      if (unsigned) throw new Error(unsigned);
    },
  });
}

/** Runs started since judge answers one at a time, in the order they reached the workflow: an answer
 * whose sender look-up is slow is never overtaken by a later one (which could close the step first). */
const ANSWERS_IN_ORDER = 'answers-in-arrival-order';

function receive<A extends Answer>(
  port: AnswerPort<A>,
  a: A,
  via: { signal?: string; update?: boolean },
): Promise<string> {
  // Taken on arrival, before any await: a signed answer's nonce, and (in identityLookup) the signal count.
  const signed = signedArrival(port.policy(), port.subject, port.action, a);
  const lookup = identityLookup(via, signed.verify);
  const judge = () => judgeOne(port, a, lookup, signed);
  return patched(ANSWERS_IN_ORDER) ? inArrivalOrder(judge) : judge();
}

/** The tail of the queue of answers being judged (never rejects). */
let judging: Promise<unknown> = Promise.resolve();

function inArrivalOrder<T>(judge: () => Promise<T>): Promise<T> {
  const turn = judging.then(judge);
  judging = turn.catch(() => undefined);
  return turn;
}

async function judgeOne<A extends Answer>(
  port: AnswerPort<A>,
  a: A,
  lookup: AnswerIdentityRequest,
  signed: SignedArrival,
): Promise<string> {
  const recorded = await orchestratorActivities().answerIdentity(lookup);
  const at = new Date().toISOString();
  const refuse = (message: string, by?: string): never => {
    const r: RefusedAnswer = { by: by ?? '(unknown)', signal: port.action, at, why: message };
    port.refused?.(r);
    noteRefused(r);
    log.warn(`${port.action}: ${message}`);
    throw ApplicationFailure.create({ type: ANSWER_REFUSED, message, nonRetryable: true });
  };
  // Checked again after the look-up: another answer may have settled the step meanwhile.
  const closed = port.closed();
  if (closed) refuse(closed, recorded.identity);
  const { identity, refusal } = countedIdentity(port.policy(), port.subject, signed, recorded);
  if (refusal) refuse(refusal, identity);
  const verdict = judgeAnswer(port.policy(), {
    action: port.action,
    subject: port.subject,
    identity,
    requesters: [...(recorded.requester ? [recorded.requester] : []), ...(port.requesters ?? [])],
    approvedBy: port.approvedBy?.() ?? [],
  });
  if (!verdict.counts) return refuse(verdict.message, verdict.by);
  const comment = answerComment(a); // text only, bounded (review L14)
  return port.take({ ...verdict, ...(comment ? { comment } : {}), at }, a) ?? verdict.message;
}

/** Signals reach their handler in history order: the n-th `approve` handled is the n-th in history. */
const signalsSeen = new Map<string, number>();

/** Which answer to read back from the history (workflow code cannot see who sent it, nor who started
 * the workflow: an activity reads both), and a signed answer to verify in the same look-up. Must run on
 * arrival: signals are counted in history order. */
function identityLookup(
  via: { signal?: string; update?: boolean },
  signed?: AnswerIdentityRequest['signed'],
): AnswerIdentityRequest {
  const { workflowId, runId } = workflowInfo();
  const verify = signed ? { signed } : {}; // a signed answer is verified in the same look-up
  if (via.signal) {
    const ordinal = (signalsSeen.get(via.signal) ?? 0) + 1;
    signalsSeen.set(via.signal, ordinal);
    return { workflowId, runId, signal: { name: via.signal, ordinal }, ...verify };
  }
  return { workflowId, runId, updateId: currentUpdateInfo()?.id, ...verify };
}
