import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ErrorType } from '../../common/errors';
import { fleetCommitSignal, fleetHostHeldSignal } from '../../common/fleet-rolling';
import type { RolloutProgress } from './rollout-progress';

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

  async hold(host: string, progress: RolloutProgress): Promise<void> {
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
    await condition(() => this.committed);
  }
}
