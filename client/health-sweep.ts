import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { HEALTH_SWEEP_SCHEDULE_ID, HealthSweepInput } from '../common/remediation/health-sweep';
import { validate } from '../common/spec/validate';
import { upsertIntervalSchedule } from './interval-schedule';
import { startPresentation } from './presentation';

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
    ...startPresentation({
      workflowType: 'healthSweep',
      summary: `health sweep of ${input.hosts.join(', ')}`,
      what:
        'asks each host agent for its unhealthy containers and publishes one event per container, so the ' +
        'trigger rules start remediations for unhealthy containers whose events were missed. Nothing to answer.',
      facts: { Hosts: input.hosts.join(', '), 'Started by': `the schedule ${scheduleId} (every ${String(every)})` },
      ...(input.hosts.length === 1 ? { host: input.hosts[0] } : {}),
    }),
  };
  return upsertIntervalSchedule(client, scheduleId, every, action);
}
