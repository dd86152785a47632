import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDeploy, ServiceFileError } from '../../../common/service-file/resolve';
import { ServiceFile, type ServiceFileInput } from '../../../common/service-file/schema';

/** `deploy --no-approval` must not be a way round `approval.requireSignatures` (issue 16). */
const origin = { source: 'cli' as const, requestedBy: 'dana' };
const ANN = readFileSync(path.join(__dirname, '../../fixtures/answer-keys/ann_ed25519.pub'), 'utf8').trim();
const signedFile = (approval: Record<string, unknown> = {}) =>
  ServiceFile.parse({
    hosts: { h1: null },
    services: {
      api: {
        image: 'api:v1',
        approval: { approvers: ['ann', 'bob'], keys: { ann: ANN }, requireSignatures: true, ...approval },
      },
      web: { image: 'web:v1', approval: { approvers: ['ann'] } },
    },
  } satisfies ServiceFileInput);

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ServiceFileError) return e.issues;
    throw e;
  }
  throw new Error('expected a ServiceFileError');
}

describe('a run of a service that requires signed answers takes its approval from the service file', () => {
  it('refuses --no-approval, naming the rule and both ways out', () => {
    expect(
      refusal(() => resolveDeploy(signedFile(), 'api', { overrides: { approval: { required: false } }, origin })),
    ).toEqual([
      {
        path: ['approval', 'required'],
        message:
          'a run without approval (--no-approval) is refused: api counts only signed answers (approval.requireSignatures in the service file); approve it with "dockhand approve api --key <private key>", or let the service file allow skipping (approval.allowSkip: true)',
      },
    ]);
  });

  it('refuses a run that changes who may answer (approvers, keys, signatures, self-approval)', () => {
    const overrides = {
      approval: { approvers: ['mallory'], requireSignatures: false, allowSelfApproval: true },
    };
    expect(refusal(() => resolveDeploy(signedFile(), 'api', { overrides, origin })).map((i) => i.path)).toEqual([
      ['approval', 'approvers'],
      ['approval', 'requireSignatures'],
      ['approval', 'allowSelfApproval'],
    ]);
    expect(refusal(() => resolveDeploy(signedFile(), 'api', { overrides, origin }))[0]!.message).toBe(
      'a run may not change approval.approvers: api counts only signed answers (approval.requireSignatures in the service file); change the service file instead',
    );
  });

  it('takes --no-approval where the file allows it (allowSkip), and a shorter timeout always', () => {
    const skipped = resolveDeploy(signedFile({ allowSkip: true }), 'api', {
      overrides: { approval: { required: false } },
      origin,
    });
    expect(skipped.input.approval).toMatchObject({ required: false, requireSignatures: true });
    expect(skipped.input.origin!.overrides).toEqual(['approval.required=false']);
    const timed = resolveDeploy(signedFile(), 'api', { overrides: { approval: { timeout: '5m' } }, origin });
    expect(timed.input.approval).toMatchObject({ required: true, timeoutMs: 300_000 });
  });

  it('changes nothing for a service without requireSignatures: --no-approval skips as before', () => {
    const r = resolveDeploy(signedFile(), 'web', { overrides: { approval: { required: false } }, origin });
    expect(r.input.approval).toMatchObject({ required: false, approvers: ['ann'] });
  });

  it('allowSkip is a file setting only: it never reaches the workflow input', () => {
    const r = resolveDeploy(signedFile({ allowSkip: true }), 'api', { origin });
    expect(r.input.approval).not.toHaveProperty('allowSkip');
  });
});
