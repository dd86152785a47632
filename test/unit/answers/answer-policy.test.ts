import { describe, expect, it } from 'vitest';
import { judgeAnswer, policyProblem, type AnswerContext } from '../../../common/answer-policy';
import { ApprovalPolicy } from '../../../common/approval';

const ctx = (o: Partial<AnswerContext>): AnswerContext => ({
  action: 'approve',
  subject: 'api',
  identity: 'alice',
  requesters: [],
  approvedBy: [],
  ...o,
});

describe('judgeAnswer: the one access check for every answer', () => {
  it('counts an approver on the list and says how many approvals are in', () => {
    expect(judgeAnswer({ approvers: ['alice', 'bob'] }, ctx({}))).toEqual({
      counts: true,
      by: 'alice',
      message: 'approved by alice (1 of 1)',
      approvals: { have: 1, need: 1 },
    });
  });

  it('refuses an identity that is not on the list, naming the subject', () => {
    expect(judgeAnswer({ approvers: ['alice'] }, ctx({ identity: 'mallory' }))).toEqual({
      counts: false,
      by: 'mallory',
      message: 'refused: mallory is not an approver of api',
    });
  });

  it('refuses an answer Temporal recorded no identity for', () => {
    const v = judgeAnswer({ approvers: [] }, ctx({ identity: undefined }));
    expect(v.counts).toBe(false);
    expect(v.message).toMatch(/^refused: no identity was recorded with this approve/);
    expect(judgeAnswer({ approvers: [] }, ctx({ identity: '  ' })).counts).toBe(false);
  });

  it('counts an unidentified answer (a Web UI without login) only where the policy allows it, without approvers', () => {
    const open = { approvers: [], allowUnidentified: true };
    expect(judgeAnswer(open, ctx({ identity: undefined }))).toEqual({
      counts: true,
      by: 'unidentified',
      message: 'approved by an unidentified sender (allowUnidentified)',
    });
    expect(judgeAnswer({ ...open, approvers: ['alice'] }, ctx({ identity: undefined })).counts).toBe(false);
    expect(judgeAnswer({ ...open, requiredApprovals: 2 }, ctx({ identity: undefined })).counts).toBe(false);
  });

  it('refuses the requester approving, resuming or releasing their own change unless allowed', () => {
    for (const action of ['approve', 'resume', 'release'] as const)
      expect(judgeAnswer({ approvers: [] }, ctx({ action, requesters: ['alice'] }))).toEqual({
        counts: false,
        by: 'alice',
        message: `refused: alice requested this change and may not ${action} it; another approver must`,
      });
    expect(judgeAnswer({ approvers: [], allowSelfApproval: true }, ctx({ requesters: ['alice'] })).counts).toBe(true);
  });

  it('lets the requester reject or roll back (both put things back)', () => {
    expect(judgeAnswer({ approvers: [] }, ctx({ action: 'reject', requesters: ['alice'] }))).toEqual({
      counts: true,
      by: 'alice',
      message: 'rejected by alice',
    });
    expect(judgeAnswer({ approvers: [] }, ctx({ action: 'rollback', requesters: ['alice'] })).counts).toBe(true);
  });

  it('two-person rule: the second distinct approver completes it, the same one twice does not', () => {
    const policy = { approvers: ['alice', 'bob'], requiredApprovals: 2 };
    expect(judgeAnswer(policy, ctx({ identity: 'alice' })).message).toBe('approved by alice (1 of 2)');
    expect(judgeAnswer(policy, ctx({ identity: 'alice', approvedBy: ['alice'] }))).toEqual({
      counts: false,
      by: 'alice',
      message: 'refused: alice already approved (1 of 2); another approver must',
    });
    expect(judgeAnswer(policy, ctx({ identity: 'bob', approvedBy: ['alice'] }))).toEqual({
      counts: true,
      by: 'bob',
      message: 'approved by bob (2 of 2)',
      approvals: { have: 2, need: 2 },
    });
  });

  it('the deploy guard may roll back where listed, and never approve or resume', () => {
    const listed = { approvers: ['alice'], systemIdentities: ['deploy-guard'] };
    expect(judgeAnswer(listed, ctx({ action: 'rollback', identity: 'deploy-guard' }))).toEqual({
      counts: true,
      by: 'deploy-guard',
      message: 'rollback requested by deploy-guard',
    });
    expect(judgeAnswer(listed, ctx({ identity: 'deploy-guard' })).message).toBe(
      'refused: deploy-guard is a system identity; it may only roll back or reject',
    );
    expect(judgeAnswer({ approvers: ['alice', 'deploy-guard'] }, ctx({ identity: 'deploy-guard' })).counts).toBe(false);
    expect(judgeAnswer({ approvers: ['alice'] }, ctx({ action: 'rollback', identity: 'deploy-guard' }))).toEqual({
      counts: false,
      by: 'deploy-guard',
      message: 'refused: deploy-guard is not listed for api (approval.systemIdentities)',
    });
    // Listed among the approvers (the README's old advice) still lets it roll back.
    expect(
      judgeAnswer({ approvers: ['alice', 'deploy-guard'] }, ctx({ action: 'rollback', identity: 'deploy-guard' }))
        .counts,
    ).toBe(true);
  });

  it('refuses a policy that can never be met', () => {
    expect(policyProblem({ approvers: ['alice'], requiredApprovals: 2 })).toBe(
      'requiredApprovals is 2 but only 1 approver(s) are listed',
    );
    expect(() => ApprovalPolicy.parse({ approvers: ['alice'], requiredApprovals: 2 })).toThrow(/requiredApprovals/);
    expect(ApprovalPolicy.parse({})).toMatchObject({ requiredApprovals: 1, allowSelfApproval: false });
  });
});
