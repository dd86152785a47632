import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { ApprovalDecision } from '../../../common/approval';
import { DeployErrorType } from '../../../common/errors';
import { requireApproved } from '../../../workflows/lib/answers';

const at = '2026-12-02T00:00:00.000Z';

function thrown(decision: ApprovalDecision, o: Parameters<typeof requireApproved>[1]): ApplicationFailure {
  try {
    requireApproved(decision, o);
  } catch (e) {
    if (e instanceof ApplicationFailure) return e;
    throw e;
  }
  throw new Error('requireApproved did not throw');
}

describe('requireApproved: an approval outcome as its typed failure', () => {
  it('passes an approved or skipped gate', () => {
    expect(() =>
      requireApproved({ outcome: 'approved', by: 'alice', at, refused: [] }, { timeoutMs: 1000, onTimeout: 'x' }),
    ).not.toThrow();
    expect(() =>
      requireApproved({ outcome: 'skipped', at, refused: [] }, { timeoutMs: 1000, onTimeout: 'x' }),
    ).not.toThrow();
  });

  it('a rejection is DockhandRejected, naming who and why, with what it leaves', () => {
    const decision: ApprovalDecision = { outcome: 'rejected', by: 'bob', comment: 'not today', at, refused: [] };
    const f = thrown(decision, { timeoutMs: 1000, onReject: 'nothing removed', onTimeout: 'nothing removed' });
    expect(f.type).toBe(DeployErrorType.Rejected);
    expect(f.message).toBe('rejected by bob: not today; nothing removed');
    expect(f.nonRetryable).toBe(true);
    expect(f.details).toEqual([decision]);
    expect(thrown({ ...decision, comment: undefined }, { timeoutMs: 1000, onTimeout: 'x' }).message).toBe(
      'rejected by bob',
    );
  });

  it('a timeout is DockhandApprovalTimedOut, in seconds, with what it leaves', () => {
    const f = thrown(
      { outcome: 'timed-out', at, refused: [] },
      { timeoutMs: 90_000, onTimeout: 'rejected by default' },
    );
    expect(f.type).toBe(DeployErrorType.ApprovalTimedOut);
    expect(f.message).toBe('nobody approved within 90s; rejected by default');
  });
});
