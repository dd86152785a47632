import { ApplicationFailure } from '@temporalio/common';

/** Failure types that cross the activity → workflow → client boundary. Non-retryable ones say the
 * world (or the input) is wrong and retrying cannot help; everything else is retried. */
export const ErrorType = {
  /** The spec or input is invalid; the message names the field. */
  BadSpec: 'DockhandBadSpec',
  /** The host agent's own policy refuses it (privileged, host namespace, a path or secret outside its
   * allow-lists); the message names the rule and the field. Nothing was created. */
  HostPolicy: 'DockhandHostPolicy',
  /** The image is not on the host and cannot be pulled. */
  ImageMissing: 'DockhandImageMissing',
  /** A container, network or image that must exist does not. */
  NotFound: 'DockhandNotFound',
  /** The name is taken by something else (another spec hash, or not Dockhand's). */
  Conflict: 'DockhandConflict',
  /** The container never became healthy within its deadline. */
  Unhealthy: 'DockhandUnhealthy',
  /** The container exited while we waited for it to become healthy. */
  ContainerExited: 'DockhandContainerExited',
  /** A wait (exit, log line, exec) ran past the deadline the caller gave. */
  WaitTimeout: 'DockhandWaitTimeout',
  /** The operation needs a running container and this one is not running. */
  NotRunning: 'DockhandNotRunning',
  /** The Engine cannot do this for this object at all (e.g. read logs under the "none" driver). */
  Unsupported: 'DockhandUnsupported',
  /** A launch gated on other containers' health was not started: one of them never became healthy. */
  PredecessorFailed: 'DockhandPredecessorFailed',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Types an activity retry policy must not retry. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = Object.values(ErrorType);

/** An undo of a compensation that failed: what it was meant to undo and why it could not. A change
 * that reports these is not "as before" (review M7). */
export interface UndoFailure {
  what: string;
  error: string;
  /** The host's agent picked the undo up within no host-loss timeout (fleet changes only). */
  lost?: boolean;
}

/** Details carried by an ImageMissing failure of a pull: the reference pulled and the registry's answer
 * as the Engine relayed it. */
export interface ImageMissingDetails {
  image: string;
  answer: string;
  /** The Engine's status (404: the registry has no such manifest). */
  statusCode?: number;
}

/** Details carried by a Conflict failure, so a workflow can decide whether replacing is safe. */
export interface ConflictDetails {
  name: string;
  existingId: string;
  /** The service label of the existing container, when Dockhand manages it. */
  managedService?: string;
  existingSpecHash?: string;
}

/** A typed, non-retryable failure: an activity's or a workflow's own ending (ErrorType or DeployErrorType). */
export function failure(type: ErrorType | DeployErrorType, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: details === undefined ? [] : [details],
  });
}

/** Why a deploy ended without the new version live (blue-green, rolling): the workflow failed
 * with one of these after compensating. */
export const DeployErrorType = {
  /** A person rejected the change at the approval gate. */
  Rejected: 'DockhandRejected',
  /** Nobody answered the approval gate in time; the safe default is to reject. */
  ApprovalTimedOut: 'DockhandApprovalTimedOut',
  /** A `rollback` signal inside the bake window switched back, or a rolling update rolled back (its
   * details[0] is then the RollingUpdateResult). */
  RolledBack: 'DockhandRolledBack',
  /** A canary was aborted (its analysis failed, or a person said `abort`): weight back to 0, the canary
   * removed, stable untouched. details[0] is the last check. */
  CanaryAborted: 'DockhandCanaryAborted',
  /** The new version answered a smoke or post-switch check wrongly. */
  CheckFailed: 'DockhandCheckFailed',
  /** The change failed and some of its undos failed too: the details say what is left (never "as
   * before"). The original failure is the cause. */
  CompensationIncomplete: 'DockhandCompensationIncomplete',
} as const;
export type DeployErrorType = (typeof DeployErrorType)[keyof typeof DeployErrorType];
