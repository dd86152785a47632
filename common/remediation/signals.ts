import type { AnswerSignature } from '../answer-signature';
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
/** A release: `signature` is an Ed25519 signature of it where the rule lists release keys (`--key`). */
export interface ReleaseAnswer {
  by?: string;
  reason: string;
  signature?: AnswerSignature;
}
export const releaseSignal = defineSignal<[ReleaseAnswer]>('release');
/** The same as an Update: the sender learns whether the release counted. */
export const releaseUpdate = defineUpdate<string, [ReleaseAnswer]>('release');

export interface RemediationStatus {
  phase: string;
  events: number;
  restarts: number;
  changes: unknown[];
}
export const remediationStatusQuery = defineQuery<RemediationStatus>('status');

/** Where a one-shot remediation (harden, clean-up) is: its phase and the details the Web UI shows. */
export const phaseStatusQuery = defineQuery<PhaseStatus>('status');
