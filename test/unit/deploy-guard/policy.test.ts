import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL } from '../../../common/approval';
import { guardPolicyFor } from '../../../common/deploy-guard';

describe('guardPolicyFor: the rule opts containers in, the service file sets the service policy', () => {
  it('without the service in the file: the rule args (with their defaults)', () => {
    expect(guardPolicyFor({ windowMs: '2m' })).toEqual({
      windowMs: 120_000,
      approval: { ...DEFAULT_APPROVAL, timeoutMs: 1_800_000 },
    });
  });

  it("the file's window and approval win field by field", () => {
    expect(
      guardPolicyFor(
        { windowMs: '2m', approval: { required: true, approvers: ['ops'] } },
        {
          window: 600_000,
          approval: { required: false },
        },
      ),
    ).toEqual({ windowMs: 600_000, approval: { ...DEFAULT_APPROVAL, required: false, approvers: ['ops'] } });
  });
});
