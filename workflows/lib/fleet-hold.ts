import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ErrorType } from '../../common/errors';
import { FleetErrorType } from '../../common/fleet';
import { fleetCommitSignal, fleetHostHeldSignal } from '../../common/fleet-rolling';
import { whileProbing } from './agent-probes';
import type { RolloutProgress } from './rollout-progress';

/** Runs started since probe their host's agent while they hold, and end as lost (the fleet decides
 * at once) when it stops answering; older runs noticed only once the fleet committed. */
const HOLD_PROBES_AGENT = 'fleet-hold-probes-agent';

/**
 * One host's rollout inside a fleet rollout (input `fleetHold`): once every replica is rolled it tells
 * the fleet (its parent) and holds — the replaced replicas kept, stopped — until the fleet commits.
 * The fleet cancels it instead when another host fails; the rollout then puts its replicas back as on
 * any cancellation. Install at the top of the workflow (the commit handler must exist first).
 */
export class FleetHold {
  private committed = false;

  constructor() {
    setHandler(fleetCommitSignal, () => void (this.committed = true), {
      description: 'From the fleet rollout: every host rolled, finish (remove the replaced replicas)',
    });
  }

  /** Holds until the fleet commits; with `agentPickupMs` (the fleet's host-loss bound, given when a lost
   * agent ends the run) it probes the host's agent meanwhile and throws a HostLost failure when no agent
   * picks a probe up: the fleet decides at once instead of finding out at the commit. */
  async hold(host: string, progress: RolloutProgress, agentPickupMs?: number): Promise<void> {
    const parent = workflowInfo().parent;
    if (!parent)
      throw ApplicationFailure.create({
        type: ErrorType.BadSpec,
        message: 'fleetHold: this rollout has no parent fleet rollout to commit it',
        nonRetryable: true,
      });
    progress.enter(
      'held',
      `every replica on ${host} rolled; the replaced ones are kept until ${parent.workflowId} commits (a failure on another host puts them back)`,
    );
    await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(fleetHostHeldSignal, host);
    const committed = condition(() => this.committed);
    if (agentPickupMs === undefined || !patched(HOLD_PROBES_AGENT)) return committed;
    await whileProbing(committed, {
      hosts: () => [host],
      agentPickupMs,
      lost: (f) => {
        throw ApplicationFailure.create({ type: FleetErrorType.HostLost, message: f.cause, nonRetryable: true });
      },
    });
  }
}
