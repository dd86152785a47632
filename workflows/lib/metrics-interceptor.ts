import { metricMeter, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { METRICS } from '../../common/metrics';

/**
 * Counts every workflow that ends, by type and outcome, and records how long it ran. Loaded by the
 * orchestrator worker as an interceptor module (workers/orchestrator.ts), so no workflow changes;
 * the SDK's workflow metric meter skips replays, so a run is counted once.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const type = workflowInfo().workflowType;
        const started = Date.now();
        const record = (outcome: string) => {
          metricMeter.createCounter(METRICS.changes, '1', 'workflows that ended').add(1, { type, outcome });
          metricMeter
            .createHistogram(METRICS.changeDuration, 'int', 'ms', 'how long a workflow ran')
            .record(Date.now() - started, { type, outcome });
        };
        try {
          const result = await next(input);
          const own = (result as { outcome?: unknown } | undefined)?.outcome;
          record(typeof own === 'string' ? own : 'succeeded');
          return result;
        } catch (err) {
          // A continue-as-new is not an end.
          if ((err as Error)?.name !== 'ContinueAsNew') record('failed');
          throw err;
        }
      },
    },
  ],
});
