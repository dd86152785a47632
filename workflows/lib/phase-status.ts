import { setHandler } from '@temporalio/workflow';
import { phaseStatusQuery, type PhaseStatus } from '../../common/remediation/signals';
import { enterPhase } from './progress';

/** The phase of a one-shot remediation, answered by the `status` query and shown in the Web UI. */
export class PhaseTracker {
  readonly status: PhaseStatus = { phase: 'starting', details: '' };

  constructor() {
    setHandler(phaseStatusQuery, () => this.status, { description: 'Where this remediation is: {phase, details}' });
  }

  enter(phase: string, details: string): void {
    Object.assign(this.status, { phase, details });
    enterPhase(phase, details);
  }
}
