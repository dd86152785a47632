import { condition, log } from '@temporalio/workflow';
import type { AnswerPolicy } from '../../common/answer-policy';
import { overridden, paused, resumed, type CanaryState } from '../../common/canary-plan';
import {
  abortSignal,
  abortUpdate,
  pauseSignal,
  pauseUpdate,
  promoteSignal,
  promoteUpdate,
  resumeSignal,
  resumeUpdate,
} from '../../common/signals';
import { openAnswers, type CountedAnswer } from './answer-desk';

type Said = { by: string; comment?: string };
type Heard = { action: 'pause' | 'resume' | 'promote' | 'abort' } & Said;

/** The canary's human overrides — `pause`, `resume`, `promote`, `abort` — as Signals and Updates, each
 * judged by the one answer policy (common/answer-policy.ts: promote and resume go ahead, so not from
 * whoever started the canary; pause and abort put things back). Answers queue up here; the workflow
 * folds them into the planner's state between moves. Install once, at the top of the workflow. */
export class CanaryControl {
  private heard: Heard[] = [];
  private isPaused = false;
  private decided = false;
  /** The last override that counted (for the status). */
  last?: Heard & { at: string };

  constructor(policy: AnswerPolicy, subject: string, requesters: readonly string[]) {
    const port = (
      action: Heard['action'],
      signal: typeof pauseSignal,
      update: typeof pauseUpdate,
      description: string,
      closed: () => string | undefined,
    ) =>
      openAnswers({
        action,
        signal,
        update,
        description,
        policy: () => policy,
        subject,
        requesters,
        closed: () => (this.decided ? 'the canary is already promoted or aborted' : closed()),
        take: (a: CountedAnswer) => this.take({ action, by: a.by, ...(a.comment ? { comment: a.comment } : {}) }, a.at),
        legacy: () => log.warn(`ignored ${action}: this workflow judges answers by the policy only`),
      });
    port('pause', pauseSignal, pauseUpdate, 'Hold the canary at its current weight: {"comment": "<why>"}', () =>
      this.isPaused ? 'the canary is already paused' : undefined,
    );
    port('resume', resumeSignal, resumeUpdate, 'Continue a paused canary: {"comment": "<why>"}', () =>
      this.isPaused ? undefined : 'the canary is not paused',
    );
    port(
      'promote',
      promoteSignal,
      promoteUpdate,
      'Skip the remaining steps: all requests to the canary',
      () => undefined,
    );
    port('abort', abortSignal, abortUpdate, 'Weight back to 0, the canary removed, stable untouched', () => undefined);
  }

  private take(h: Heard, at: string): void {
    if (h.action === 'pause') this.isPaused = true;
    if (h.action === 'resume') this.isPaused = false;
    if (h.action === 'promote' || h.action === 'abort') this.decided = true;
    this.heard.push(h);
    this.last = { ...h, at };
  }

  /** Folds the answers heard since the last call into the planner's state. */
  apply(state: CanaryState, now: number): CanaryState {
    let s = state;
    for (const h of this.heard.splice(0)) {
      const said: Said = { by: h.by, ...(h.comment ? { comment: h.comment } : {}) };
      if (h.action === 'pause') s = paused(s);
      else if (h.action === 'resume') s = resumed(s, now);
      else s = overridden(s, { action: h.action, ...said });
    }
    return s;
  }

  /** Waits `ms` (or, without, until an answer); true when an answer ended the wait early. */
  async wait(ms?: number): Promise<boolean> {
    const answered = () => this.heard.length > 0;
    if (ms === undefined) return condition(answered).then(() => true);
    return condition(answered, ms);
  }
}
