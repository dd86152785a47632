import { describe, expect, it } from 'vitest';
import { CleanupInput } from '../../../common/remediation/cleanup';
import { HardenInput } from '../../../common/remediation/harden';
import { validate } from '../../../common/spec/validate';

// The clients start remediateHarden and remediateCleanup with the validated input, so the defaults are
// fixed in the workflow's history; the workflow validates again. That is safe only when the schema's
// output parses back to itself.
describe('validated remediation input parses back to itself', () => {
  it('harden, with defaults and with every transform (sizes, durations, CAP_ prefix)', () => {
    for (const request of [
      { host: 'h1', container: 'web' },
      {
        host: 'h1',
        container: 'web',
        findings: ['CIS-5.11'],
        policy: { memory: '512m', keepCapabilities: ['CAP_CHOWN'] },
        approval: { required: true, timeoutMs: 600_000, approvers: ['alice'] },
        healthTimeoutMs: '90s',
      },
    ]) {
      const once = validate(HardenInput, request, 'input');
      expect(validate(HardenInput, once, 'input')).toEqual(once);
    }
  });

  it('clean-up, with defaults and with durations', () => {
    for (const request of [
      { host: 'h1' },
      { host: 'h1', service: 'web', labels: ['team=web'], minAge: '2h', dryRun: true, threshold: 3 },
    ]) {
      const once = validate(CleanupInput, request, 'input');
      expect(validate(CleanupInput, once, 'input')).toEqual(once);
    }
  });
});
