import { condition, continueAsNew, getExternalWorkflowHandle, patched, sleep } from '@temporalio/workflow';
import { deskHandOffEndedSignal } from '../common/remediation/restart-desk';
import {
  planRestart,
  releasePolicy,
  restartsStillCounted,
  RestartUnhealthyInput,
  type RestartPolicy,
  stillUnhealthy,
  type RestartUnhealthyRequest,
  type RestartUnhealthyResult,
} from '../common/remediation/restart-unhealthy';
import { releaseSignal, releaseUpdate } from '../common/remediation/signals';
import { openAnswers } from './lib/answer-desk';
import { validate } from '../common/spec/validate';
import { hostAgent, type HostAgent } from './lib/activity-options';
import { notifyOnce, RemediationInbox } from './lib/remediation-state';

type RemediationDocker = Pick<
  HostAgent,
  'containerCondition' | 'disconnectNetworks' | 'restartIfUnhealthy' | 'restartContainer' | 'stopContainer'
>;

/**
 * Restarts an unhealthy container — autoheal's loop with a budget: at most K restarts per window,
 * backing off, leaving alone what is only briefly unhealthy or still starting; when the budget is
 * spent, quarantine (stop or cut off its networks), tell people once, and wait for a release.
 */
export async function restartUnhealthy(request: RestartUnhealthyRequest): Promise<RestartUnhealthyResult> {
  const input = validate(RestartUnhealthyInput, request, 'input');
  const result = await remediate(input);
  // Only runs a desk started carry `desk` (no run recorded before it does): its end reopens the container there.
  if (input.desk)
    await getExternalWorkflowHandle(input.desk).signal(deskHandOffEndedSignal, { container: input.container });
  return result;
}

async function remediate(input: RestartUnhealthyInput): Promise<RestartUnhealthyResult> {
  const { host, container, policy, manual, carried, desk } = input;
  const docker: RemediationDocker = hostAgent(host);
  const inbox = new RemediationInbox(manual ? 1 : (carried?.pending ?? 0));
  const restartsAt: number[] = [...(carried?.restartsAt ?? [])];
  inbox.status.events += carried?.events ?? 0; // += : signals buffered for this run were counted already
  inbox.status.restarts += carried?.restarts ?? 0;
  let forceNext = manual;

  for (;;) {
    await inbox.continueAsNewWhenDue(policy.eventsPerRun, ({ events, pending }) => {
      const counted = restartsStillCounted(restartsAt, Date.now(), policy.windowMs);
      const carried = { restartsAt: counted, events, restarts: inbox.status.restarts, pending };
      return continueAsNew<typeof restartUnhealthy>({
        host,
        container,
        policy,
        manual: false,
        ...(desk ? { desk } : {}),
        carried,
      });
    });
    if (!(await inbox.next(policy.idleMs))) break;
    if (!forceNext && (await restartedOnHost(inbox, docker, container, policy, restartsAt))) continue;
    if (!forceNext && !(await needsRestart(docker, container, policy.graceMs))) continue;
    forceNext = false;
    const decision = planRestart(restartsAt, Date.now(), policy);
    if (decision.action === 'quarantine')
      return quarantine(inbox, docker, { host, container, policy, restarts: inbox.status.restarts });
    if (decision.delayMs > 0) {
      inbox.phase(
        'backing-off',
        `${container} restarted ${restartsAt.length}× in this window; next restart in ${decision.delayMs} ms`,
      );
      await sleep(decision.delayMs, { summary: `back off before restarting ${container}` });
    }
    inbox.phase(
      'restarting',
      `restarting ${container} (${restartsAt.length + 1} of ${policy.maxRestarts} in this window)`,
    );
    await docker.restartContainer({ name: container, timeoutS: policy.stopTimeoutS });
    restartsAt.push(Date.now());
    inbox.status.restarts++;
  }
  inbox.phase('done', `${container}: no unhealthy report for ${policy.idleMs} ms`);
  return { container, restarts: inbox.status.restarts };
}

/**
 * The usual incident — no grace, no backoff, budget left — needs nothing between looking at the container
 * and restarting it, so the host agent does both in one activity: one round trip (an activity and a
 * workflow task, most of the event-to-restart latency under load) less than look-then-restart. True when
 * it handled the event (restarted, or found the container no longer unhealthy); false to go the long way.
 */
async function restartedOnHost(
  inbox: RemediationInbox,
  docker: RemediationDocker,
  container: string,
  policy: RestartPolicy,
  restartsAt: number[],
): Promise<boolean> {
  const decision = planRestart(restartsAt, Date.now(), policy);
  const direct = policy.graceMs <= 0 && decision.action === 'restart' && decision.delayMs === 0;
  // Runs recorded before this fast path looked first: they keep doing so on replay.
  if (!direct || !patched('restart-unhealthy-on-host')) return false;
  inbox.phase(
    'restarting',
    `restarting ${container} if still unhealthy (${restartsAt.length + 1} of ${policy.maxRestarts} in this window)`,
  );
  const { restarted } = await docker.restartIfUnhealthy({ name: container, timeoutS: policy.stopTimeoutS });
  if (restarted) {
    restartsAt.push(Date.now());
    inbox.status.restarts++;
  }
  return true;
}

/** The real state decides, not the event: healthy again, stopped, or in its start period → no restart.
 * Briefly unhealthy is tolerated: with a grace, look again after it. */
async function needsRestart(docker: RemediationDocker, container: string, graceMs: number): Promise<boolean> {
  const first = await docker.containerCondition({ name: container });
  if (!stillUnhealthy(first, Date.now())) return false;
  if (graceMs <= 0) return true;
  await sleep(graceMs, { summary: `grace: look at ${container} again in ${graceMs / 1000} s` });
  return stillUnhealthy(await docker.containerCondition({ name: container }), Date.now());
}

async function quarantine(
  inbox: RemediationInbox,
  docker: RemediationDocker,
  o: { host: string; container: string; policy: RestartPolicy; restarts: number },
): Promise<RestartUnhealthyResult> {
  const { host, container, policy, restarts } = o;
  const how = policy.quarantine;
  inbox.phase('quarantining', `${container} stayed unhealthy after ${restarts} restarts: ${how}`);
  if (how === 'stop') await docker.stopContainer({ name: container, timeoutS: policy.stopTimeoutS });
  if (how === 'disconnect') await docker.disconnectNetworks({ name: container });
  await notifyOnce(host, container, {
    key: 'quarantine',
    kind: 'quarantined',
    severity: 'critical',
    title: `${container} on ${host} quarantined (${how})`,
    text: `${container} stayed unhealthy after ${restarts} restarts within ${policy.windowMs / 1000}s; quarantine: ${how}. Release with "dockhand remediate ${container} release --host ${host}".`,
  });
  let released: { by: string; reason: string } | undefined;
  openAnswers({
    action: 'release',
    signal: releaseSignal,
    update: releaseUpdate,
    description: 'End the quarantine (the container stays as the quarantine left it): {"reason": "<why>"}',
    policy: () => releasePolicy(policy),
    subject: `the quarantine of ${container} on ${host}`,
    closed: () => (released ? 'the quarantine is already released' : undefined),
    take: (a, r) => void (released = { by: a.by, reason: typeof r?.reason === 'string' ? r.reason : '' }),
    legacy: (r) => void (released = r as { by: string; reason: string }),
  });
  inbox.phase(
    'quarantined',
    `${container} is quarantined (${how}); send the "release" signal (dockhand remediate ${container} release) to end this incident`,
    `a person: \`dockhand remediate ${container} release --host ${host}\`, or Send Signal \`release\` with \`{"reason": "<why>"}\`${policy.quarantineExpiryMs === undefined ? '' : `; expires after ${policy.quarantineExpiryMs / 1000}s`}`,
  );
  const expiry = policy.quarantineExpiryMs;
  if (expiry === undefined) await condition(() => released !== undefined);
  else if (
    !(await condition(() => released !== undefined, expiry, {
      summary: `quarantine of ${container} expires unless released`,
    }))
  ) {
    inbox.phase('done', `${container}: quarantine (${how}) expired after ${expiry / 1000}s without a release`);
    return { container, restarts, quarantined: how, expired: true };
  }
  return { container, restarts, quarantined: how, released };
}
