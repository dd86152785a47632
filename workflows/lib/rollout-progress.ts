import { setHandler } from '@temporalio/workflow';
import { rollingUpdateStatusQuery, type RollingUpdateStatus } from '../../common/rolling-update';
import { enterPhase } from './progress';
import { tagWorkflow } from './workflow-tags';

/** The rollout's phase, current details and `status` query in one place. */
export class RolloutProgress {
  readonly status: RollingUpdateStatus = {
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
