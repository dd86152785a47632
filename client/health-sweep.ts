import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { HEALTH_SWEEP_SCHEDULE_ID, HealthSweepInput } from '../common/remediation/health-sweep';
import { validate } from '../common/spec/validate';
import { upsertIntervalSchedule } from './interval-schedule';

/** Creates (or updates) the Temporal Schedule that runs healthSweep over `hosts` every `every`
 * ("1m", "30s"); overlapping runs are skipped. */
export async function ensureHealthSweepSchedule(
  client: Client,
  config: DockhandConfig,
  hosts: string[],
  every: Duration,
  scheduleId = HEALTH_SWEEP_SCHEDULE_ID,
): Promise<string> {
  const input = validate(HealthSweepInput, { hosts }, 'input');
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'healthSweep',
    taskQueue: config.orchestratorTaskQueue,
    args: [input],
    workflowId: `health-sweep`,
  };
  return upsertIntervalSchedule(client, scheduleId, every, action);
}
