import type { Rule } from '../../common/events/rules';
import { MAX_DESK_BATCH } from './desk-batcher';

/**
 * BullMQ's concurrency for the trigger's events worker. `concurrency` (the rules file) bounds the jobs
 * that call Temporal themselves (a start per container, the deploy guard); the job processor holds them
 * to it. A job for a rule with `"batch": "host"` only waits for its host's next desk signal, which many
 * jobs share: with such a rule the worker takes a whole desk batch more, so one signal can carry up to
 * MAX_DESK_BATCH events instead of at most `concurrency` (the throughput cap of the first desk).
 */
export function workerConcurrency(trigger: { concurrency: number; rules: Rule[] }): number {
  return trigger.concurrency + (trigger.rules.some((r) => r.batch === 'host') ? MAX_DESK_BATCH : 0);
}

/** Whether a job's matching rules all go to a restart desk (it needs none of the `concurrency` slots). */
export function onlyDeskRules(rules: Rule[]): boolean {
  return rules.every((r) => r.batch === 'host');
}
