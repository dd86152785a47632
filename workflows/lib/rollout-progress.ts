import { setHandler } from '@temporalio/workflow';
import { rollingUpdateStatusQuery, type RollingUpdateStatus } from '../../common/rolling-update';
import { enterPhase } from './progress';
import { tagWorkflow } from './workflow-tags';

/** A rollout's status before anything happened (also the frozen rollingUpdateV1's). */
export function newRolloutStatus(): RollingUpdateStatus {
  return {
    phase: 'preparing',
    done: 0,
    total: 0,
    currentBatch: 0,
    batches: 0,
    currentSlots: [],
    failures: [],
    paused: false,
    waitingFor: '',
  };
}

/** The rollout's phase, current details and `status` query in one place. */
export class RolloutProgress {
  readonly status: RollingUpdateStatus = newRolloutStatus();

  constructor(service: string, host: string, image: string, paused: () => boolean) {
    setHandler(rollingUpdateStatusQuery, () => ({ ...this.status, paused: paused() }), {
      description: 'Replicas done/total, current batch, failures',
    });
    tagWorkflow({ service, host, image });
  }

  enter(phase: string, details: string, waitingFor = ''): void {
    Object.assign(this.status, { phase, waitingFor });
    enterPhase(phase, details, waitingFor ? `a person: ${waitingFor} (CLI or Send Signal, as above)` : undefined);
  }
}
