import { setHandler, upsertSearchAttributes, type QueryDefinition } from '@temporalio/workflow';
import { statusQuery, type BlueGreenStatus } from '../../common/blue-green';
import { phaseStatusQuery } from '../../common/remediation/signals';
import type { PhaseStatus } from '../../common/phase-status';
import { phaseDetails } from '../../common/phase-details';
import { DockhandPhase } from '../../common/search-attributes';
import { showDetails } from './refused-answers';

/** Moves the workflow to a phase: the DockhandPhase search attribute (list views, queries) and the
 * current details the Web UI shows on the workflow's page (Markdown: phase, what happens, what it
 * waits on — see common/phase-details.ts). */
export function enterPhase(phase: string, details: string, waitsOn?: string): void {
  upsertSearchAttributes([{ key: DockhandPhase, value: phase }]);
  showDetails(phaseDetails(phase, details, waitsOn));
}

/** A workflow's progress: the `status` query, the DockhandPhase search attribute and the Web UI's
 * current details, kept together so they never disagree. */
export class Progress<P extends string, S extends PhaseStatus<P>> {
  constructor(
    readonly status: S,
    query: QueryDefinition<S>,
    description: string,
  ) {
    setHandler(query, () => this.status, { description });
  }

  /** `waitsOn` (the Web UI's "Waiting on") is for phases that wait on a person or a window. */
  enter(phase: P, details: string, waitsOn?: string): void {
    this.status.phase = phase;
    this.status.details = details;
    this.status.phases?.push({ phase, at: new Date().toISOString(), details });
    enterPhase(phase, details, waitsOn);
  }
}

/** The progress of a one-shot remediation (harden, clean-up): `{phase, details}`. */
export function remediationProgress(): Progress<string, PhaseStatus> {
  return new Progress(
    { phase: 'starting', details: '' },
    phaseStatusQuery,
    'Where this remediation is: {phase, details}',
  );
}

/** The progress of a blue-green deploy: phase history, colors, images and timings. */
export function deployProgress(
  init: Pick<BlueGreenStatus, 'service' | 'host' | 'newImage'>,
): Progress<BlueGreenStatus['phase'], BlueGreenStatus> {
  return new Progress<BlueGreenStatus['phase'], BlueGreenStatus>(
    { ...init, phase: 'planning', details: '', startedAt: new Date().toISOString(), phases: [] },
    statusQuery,
    'Phase, colors, images and timings of this deploy',
  );
}
