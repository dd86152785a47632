import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PhaseStatus } from '../phase-status';

/** What a remediation workflow is told about each matching event (a storm for one container arrives
 * as signals to the one running workflow: signal-with-start). */
export interface RemediationEvent {
  action: string;
  status?: string;
  timeNano: string;
  source: string;
  /** The engine's id of the container the event is about (absent in signals sent before it was added). */
  id?: string;
}

export const remediationEventSignal = defineSignal<[RemediationEvent]>('remediationEvent');

/** Lets a quarantined container go: the restart workflow ends and a new incident starts afresh. */
export const releaseSignal = defineSignal<[{ by?: string; reason: string }]>('release');
/** The same as an Update: the sender learns whether the release counted. */
export const releaseUpdate = defineUpdate<string, [{ by?: string; reason: string }]>('release');

export interface RemediationStatus {
  phase: string;
  events: number;
  restarts: number;
  changes: unknown[];
}
export const remediationStatusQuery = defineQuery<RemediationStatus>('status');

/** Where a one-shot remediation (harden, clean-up) is: its phase and the details the Web UI shows. */
export const phaseStatusQuery = defineQuery<PhaseStatus>('status');
