import { setHandler } from '@temporalio/workflow';
import { statusQuery, type BlueGreenPhase, type BlueGreenStatus } from '../../common/blue-green';
import { enterPhase } from './progress';

/** The deploy's progress: the `status` query, the DockhandPhase search attribute and the Web UI's
 * current details, kept together so they never disagree. */
export class DeployStatus {
  readonly status: BlueGreenStatus;

  constructor(init: Pick<BlueGreenStatus, 'service' | 'host' | 'newImage'>) {
    this.status = { ...init, phase: 'planning', details: '', startedAt: new Date().toISOString(), phases: [] };
    setHandler(statusQuery, () => this.status, { description: 'Phase, colors, images and timings of this deploy' });
  }

  enter(phase: BlueGreenPhase, details: string): void {
    this.status.phase = phase;
    this.status.details = details;
    this.status.phases.push({ phase, at: new Date().toISOString(), details });
    enterPhase(phase, details);
  }
}
