import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, failure } from '../../common/errors';

/** Retryable failure types: the engine, not the request, is in trouble. */
export const EngineErrorType = {
  Unreachable: 'DockhandEngineUnreachable',
  ServerError: 'DockhandEngineError',
} as const;

interface EngineError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
}

function engineMessage(e: EngineError): string {
  const fromJson = e.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromJson ?? e.message ?? String(e)).trim();
}

/**
 * Runs one Engine call and maps its status codes in one place (as dockerode's methods document them):
 * a status in `alreadyDone` (304 "already started", 404 "already gone", …) means the wanted state
 * holds already and yields `undefined`; 400 → BadSpec, 404 → NotFound, 409 and 403 (the Engine's
 * "forbidden in this state": a network in use, a read-only root) → Conflict (non-retryable);
 * 501 → Unsupported; other 5xx and connection errors stay retryable.
 */
export async function engineCall<T>(
  what: string,
  call: () => Promise<T>,
  alreadyDone: readonly number[] = [],
): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    const e = err as EngineError;
    if (e.statusCode !== undefined && alreadyDone.includes(e.statusCode)) return undefined;
    throw toFailure(what, e);
  }
}

function toFailure(what: string, e: EngineError): Error {
  if (e instanceof ApplicationFailure) return e;
  const msg = `${what}: ${engineMessage(e)}`;
  switch (e.statusCode) {
    case 400:
      return failure(ErrorType.BadSpec, msg);
    case 404:
      return failure(ErrorType.NotFound, msg);
    case 403:
    case 409:
      return failure(ErrorType.Conflict, msg);
    case 501: // "not implemented" is an answer, not an outage: retrying gets the same one
      return failure(ErrorType.Unsupported, msg);
  }
  if (e.statusCode !== undefined && e.statusCode >= 500) {
    return ApplicationFailure.create({ type: EngineErrorType.ServerError, message: msg, nonRetryable: false });
  }
  if (e.code && ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EACCES'].includes(e.code)) {
    return ApplicationFailure.create({
      type: EngineErrorType.Unreachable,
      message: `${what}: Docker Engine unreachable (${e.code})`,
      nonRetryable: false,
    });
  }
  return e instanceof Error ? e : new Error(msg);
}
