import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { containerRemediationInput } from '../../../common/remediation/container-remediation';

const Policy = z.strictObject({ limit: z.number().int().min(1).default(3) });
const Input = containerRemediationInput(Policy, { seen: z.array(z.string()) });

describe('containerRemediationInput', () => {
  it('fills the policy with its defaults and starts as not manual, nothing carried', () => {
    expect(Input.parse({ host: 'h1', container: 'web' })).toEqual({
      host: 'h1',
      container: 'web',
      policy: { limit: 3 },
      manual: false,
    });
  });

  it('gives every input a policy of its own (a workflow may change it)', () => {
    const a = Input.parse({ host: 'h1', container: 'a' });
    const b = Input.parse({ host: 'h1', container: 'b' });
    expect(a.policy).not.toBe(b.policy);
  });

  it("carries the remediation's own state with the event and pending counts", () => {
    const carried = { seen: ['x'], events: 4, pending: 1 };
    expect(Input.parse({ host: 'h1', container: 'web', carried }).carried).toEqual(carried);
  });

  it('refuses unknown fields, a bad policy and negative counts, naming each', () => {
    const issues = (v: unknown) => Input.safeParse(v).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ host: 'h1', container: 'web', extra: 1 })).toEqual(['']);
    expect(issues({ host: 'h1', container: 'web', policy: { limit: 0 } })).toEqual(['policy.limit']);
    expect(issues({ host: 'h1', container: 'web', carried: { seen: [], events: -1, pending: 0 } })).toEqual([
      'carried.events',
    ]);
    expect(issues({ host: '', container: 'web' })).toEqual(['host']);
  });
});
