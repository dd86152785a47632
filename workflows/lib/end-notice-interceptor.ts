import {
  ApplicationFailure,
  isCancellation,
  patched,
  workflowInfo,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { changeEndNotice, type ChangeEnd } from '../../common/remediation/change-end';
import { notifyDetached } from './notify';
import { messageOf } from './saga';

/** Marker: a change that fails or rolls back tells people (runs recorded before it ended silently). */
export const NOTIFY_CHANGE_END = 'notify-change-end';

/**
 * Tells people when a change fails or rolls back, for every workflow in one place (NOTIFIED_END_TYPES),
 * so no workflow's failure path has to remember it. The delivery is handed to a workflow of its own
 * (notifyDetached): the change ends at once, and a dead channel is retried after it. Cancellations and
 * continue-as-new are not ends people need telling of. Loaded by the orchestrator worker as an
 * interceptor module (workers/lib/workflow-interceptors.ts), the replay test and the workflow tests.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const end = (e: Pick<ChangeEnd, 'result' | 'error'>): ChangeEnd => ({
          type: workflowInfo().workflowType,
          workflowId: workflowInfo().workflowId,
          ...named(input.args[0]),
          ...e,
        });
        let result: unknown;
        try {
          result = await next(input);
        } catch (err) {
          if ((err as Error)?.name !== 'ContinueAsNew' && !isCancellation(err))
            await tell(end({ error: failureOf(err) }));
          throw err;
        }
        await tell(end({ result }));
        return result;
      },
    },
  ],
});

/** Notifies when the end calls for it; the marker only then, so runs that succeed keep their history. */
async function tell(end: ChangeEnd): Promise<void> {
  const notice = changeEndNotice(end);
  if (notice && patched(NOTIFY_CHANGE_END)) await notifyDetached(notice);
}

/** A change's own failure says what is left in its message; an activity's says only "Activity task
 * failed", so there the innermost cause speaks. */
function failureOf(err: unknown): ChangeEnd['error'] {
  if (err instanceof ApplicationFailure) return { ...(err.type ? { type: err.type } : {}), message: err.message };
  return { message: messageOf(err) };
}

/** The service and host a workflow's input names, when it names them as strings. */
function named(arg: unknown): Pick<ChangeEnd, 'service' | 'host'> {
  const a = (arg ?? {}) as { service?: unknown; host?: unknown; input?: { service?: unknown; host?: unknown } };
  const service = a.service ?? a.input?.service;
  const host = a.host ?? a.input?.host;
  return {
    ...(typeof service === 'string' ? { service } : {}),
    ...(typeof host === 'string' ? { host } : {}),
  };
}
