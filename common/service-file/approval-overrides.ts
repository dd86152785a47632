import type { z } from 'zod';
import type { ServiceApproval } from './schema';

type Approval = z.output<typeof ServiceApproval>;

/** What a run may change in the approval of a service whose answers must be signed: how long to wait,
 * and (only where the file allows it) skipping the approval. Anything else could unsign the change. */
const SIGNED_RUN_MAY_SET: ReadonlySet<string> = new Set(['timeout', 'required']);

/**
 * Why this run's approval overrides (CLI flags) cannot be taken, or undefined. A service with
 * `approval.requireSignatures` counts only answers signed by an approver's key; a run that skipped the
 * approval (`deploy --no-approval`) or changed who may answer would be a way round that rule, so the
 * policy comes from the service file alone — unless the file says `allowSkip: true` (an explicit,
 * reviewed choice, e.g. for emergencies). Returns one issue per refused field, path in the file's terms.
 */
export function approvalOverrideProblems(
  service: string,
  file: Approval | undefined,
  run: Approval | undefined,
): Array<{ path: string[]; message: string }> {
  if (!file?.requireSignatures || !run) return [];
  const signed = `${service} counts only signed answers (approval.requireSignatures in the service file)`;
  const problems = Object.keys(run)
    .filter((k) => !SIGNED_RUN_MAY_SET.has(k) && run[k as keyof Approval] !== undefined)
    .map((k) => ({
      path: ['approval', k],
      message: `a run may not change approval.${k}: ${signed}; change the service file instead`,
    }));
  if (run.required === false && !file.allowSkip)
    problems.unshift({
      path: ['approval', 'required'],
      message: `a run without approval (--no-approval) is refused: ${signed}; approve it with "dockhand approve ${service} --key <private key>", or let the service file allow skipping (approval.allowSkip: true)`,
    });
  return problems;
}
