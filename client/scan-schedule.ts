import {
  ScheduleAlreadyRunning,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { ScanInput, type ScanRequest } from '../common/scan/scan-input';
import { validate } from '../common/spec/validate';
import { startPresentation } from './presentation';
import { scanPresentation, SECURITY_SCAN_ID_PREFIX } from './security-scan';

export const DEFAULT_SCAN_SCHEDULE_ID = 'dockhand-security-scan';

export interface ScanScheduleRequest {
  scheduleId?: string;
  cron: string;
  timezone?: string;
  /** Missed runs younger than this are still taken after a Temporal outage (default 1 hour). */
  catchupWindow?: Duration;
  scan: ScanRequest;
}

/** The schedule's definition: overlap SKIP, because a scan still running makes the next one pointless. */
function scheduleOptions(
  config: DockhandConfig,
  r: ScanScheduleRequest,
  input: ScanInput,
): Omit<ScheduleOptions, 'scheduleId'> {
  const id = r.scheduleId ?? DEFAULT_SCAN_SCHEDULE_ID;
  return {
    spec: { cronExpressions: [r.cron], timezone: r.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'securityScan',
      taskQueue: config.orchestratorTaskQueue,
      args: [input],
      workflowId: `${SECURITY_SCAN_ID_PREFIX}/${id}`,
      ...startPresentation(scanPresentation(input, `the schedule ${id} (cron "${r.cron}")`)),
    },
    policies: { overlap: 'SKIP', catchupWindow: r.catchupWindow ?? '1h' },
    state: { note: `dockhand scan schedule --cron "${r.cron}"` },
  };
}

/** Creates the scan schedule, or updates it in place when it exists (same id). */
export async function upsertScanSchedule(
  client: Client,
  config: DockhandConfig,
  r: ScanScheduleRequest,
): Promise<{ scheduleId: string; created: boolean }> {
  const input = validate(ScanInput, r.scan, 'scan');
  if (!r.cron.trim()) throw new Error('--cron: give a cron expression, e.g. "0 3 * * *"');
  const scheduleId = r.scheduleId ?? DEFAULT_SCAN_SCHEDULE_ID;
  const options = scheduleOptions(config, r, input);
  try {
    await client.schedule.create({ scheduleId, ...options });
    return { scheduleId, created: true };
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
      state: { ...previous.state, note: options.state?.note },
    }));
    return { scheduleId, created: false };
  }
}

export async function describeScanSchedule(
  client: Client,
  scheduleId = DEFAULT_SCAN_SCHEDULE_ID,
): Promise<ScheduleDescription> {
  return client.schedule.getHandle(scheduleId).describe();
}

/** Scan schedules: those whose action starts securityScan. */
export async function listScanSchedules(
  client: Client,
): Promise<Array<{ scheduleId: string; paused: boolean; note?: string; next?: string }>> {
  const out = [];
  for await (const s of client.schedule.list()) {
    if (s.action?.type !== 'startWorkflow' || s.action.workflowType !== 'securityScan') continue;
    out.push({
      scheduleId: s.scheduleId,
      paused: s.state.paused,
      note: s.state.note,
      next: s.info.nextActionTimes[0]?.toISOString(),
    });
  }
  return out;
}
