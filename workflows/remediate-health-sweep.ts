import { ApplicationFailure } from '@temporalio/workflow';
import { HealthSweepInput, type HealthSweepResult } from '../common/remediation/health-sweep';
import { validate } from '../common/spec/validate';
import { enterPhase } from './lib/progress';
import { hostAgent, orchestratorActivities } from './lib/activity-options';

/**
 * The health sweep, run by a Temporal Schedule: asks every host which containers are unhealthy now and
 * publishes each as the same event the engine would have sent, for engines whose event stream was
 * interrupted. Event ids repeat per container run, so a sweep finds nothing new twice. A host that does
 * not answer is reported and skipped; the others are still swept.
 */
export async function healthSweep(request: HealthSweepInput): Promise<HealthSweepResult> {
  const { hosts } = validate(HealthSweepInput, request, 'input');
  const result: HealthSweepResult = { hosts: [] };
  for (const host of hosts) {
    enterPhase('sweeping', `asking ${host} for unhealthy containers`);
    try {
      const events = await hostAgent(host).unhealthyContainers({ host });
      const { published } = await orchestratorActivities().publishEvents({ events });
      result.hosts.push({ host, unhealthy: events.map((e) => e.name ?? e.id), published });
    } catch (err) {
      result.hosts.push({
        host,
        unhealthy: [],
        published: 0,
        error: err instanceof ApplicationFailure || err instanceof Error ? err.message : String(err),
      });
    }
  }
  enterPhase(
    'done',
    result.hosts
      .map((h) => `${h.host}: ${h.error ? `not swept (${h.error})` : `${h.unhealthy.length} unhealthy`}`)
      .join('; '),
  );
  return result;
}
