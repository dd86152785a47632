import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnswerKeyError, parsePrivateKey, parsePublicKey, signAnswer, verifyAnswer } from '../../../common/answer-keys';
import { answerMessage, signatureProblem, SIGNATURE_WINDOW_MS } from '../../../common/answer-signature';
import { policyProblem } from '../../../common/answer-policy';
import { ApprovalPolicy } from '../../../common/approval';

const keys = path.join(__dirname, '..', '..', 'fixtures', 'answer-keys');
const fixture = (name: string) => readFileSync(path.join(keys, name), 'utf8');
const ann = { priv: fixture('ann_ed25519'), pub: fixture('ann_ed25519.pub') }; // ssh-keygen -t ed25519
const bob = { priv: fixture('bob.pem'), pub: fixture('bob.pub.pem') }; // openssl genpkey -algorithm ed25519
const run = { workflowId: 'deploy/api', runId: 'run-1', action: 'approve' };

describe('signed answers: the cryptography (common/answer-keys.ts)', () => {
  it('an OpenSSH key (ssh-keygen) signs; its ssh-ed25519 line verifies', () => {
    const s = signAnswer(parsePrivateKey(ann.priv), { ...run, signer: 'ann' });
    expect(s.signer).toBe('ann');
    expect(s.nonce).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(s.sig).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(verifyAnswer(ann.pub, run, s)).toBeUndefined();
  });

  it('a PEM key (openssl genpkey) signs; its PEM public key verifies', () => {
    const s = signAnswer(parsePrivateKey(bob.priv), { ...run, signer: 'bob' });
    expect(verifyAnswer(bob.pub, run, s)).toBeUndefined();
  });

  it('a signature does not verify for another run, another answer, another signer, another key or a changed time', () => {
    const s = signAnswer(parsePrivateKey(ann.priv), { ...run, signer: 'ann' });
    const refused = 'refused: signature of ann does not verify';
    expect(verifyAnswer(ann.pub, { ...run, runId: 'run-2' }, s)).toBe(refused);
    expect(verifyAnswer(ann.pub, { ...run, workflowId: 'deploy/web' }, s)).toBe(refused);
    expect(verifyAnswer(ann.pub, { ...run, action: 'rollback' }, s)).toBe(refused);
    expect(verifyAnswer(ann.pub, run, { ...s, at: new Date(Date.parse(s.at) + 1000).toISOString() })).toBe(refused);
    expect(verifyAnswer(ann.pub, run, { ...s, nonce: 'another-nonce-1' })).toBe(refused);
    expect(verifyAnswer(bob.pub, run, s)).toBe(refused); // ann's signature under bob's name/key
    expect(verifyAnswer(ann.pub, run, { ...s, signer: 'bob' })).toBe('refused: signature of bob does not verify');
  });

  it('what is signed is one line per field, and a field with a newline is refused', () => {
    expect(answerMessage({ ...run, signer: 'ann', nonce: 'n0nce-123', at: '2026-12-02T13:00:00.000Z' })).toBe(
      'dockhand-answer-v1\ndeploy/api\nrun-1\napprove\nann\nn0nce-123\n2026-12-02T13:00:00.000Z',
    );
    expect(() => answerMessage({ ...run, runId: 'a\nb', signer: 'ann', nonce: 'x', at: 'y' })).toThrow(/newline/);
  });

  it('keys that cannot sign are refused with what is wrong, never their bytes', () => {
    expect(() => parsePrivateKey(fixture('encrypted_ed25519'))).toThrow(
      new AnswerKeyError('the key is encrypted (a passphrase); give an unencrypted copy'),
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parsePrivateKey(rsaPem)).toThrow('an rsa key; answers are signed with Ed25519');
    expect(() => parsePrivateKey('hello')).toThrow(/not an Ed25519 private key/);
    expect(() => parsePublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(
      'an rsa key; answers are signed with Ed25519',
    );
    expect(() => parsePublicKey('ssh-rsa AAAAB3NzaC1yc2E=')).toThrow(/not an Ed25519 public key/);
    const s = signAnswer(parsePrivateKey(ann.priv), { ...run, signer: 'ann' });
    expect(verifyAnswer('ssh-ed25519 AAAA', run, s)).toMatch(
      /^refused: the key of ann in the service file cannot be read \(truncated OpenSSH key\)$/,
    );
  });
});

describe('signed answers: the checks without cryptography (signatureProblem)', () => {
  const now = Date.parse('2026-12-02T13:00:00.000Z');
  const sig = {
    signer: 'ann',
    nonce: 'abcdefgh12',
    at: new Date(now - 60_000).toISOString(),
    sig: `${'A'.repeat(86)}==`,
  };
  const policy = { keys: { ann: ann.pub }, requireSignatures: true };
  const check = (raw: unknown, o: { used?: string[]; putBack?: boolean; at?: number } = {}) =>
    signatureProblem(policy, 'api', raw, o.at ?? now, new Set(o.used ?? []), o.putBack ?? false);

  it('passes a well-formed signature of a listed signer within the window', () => {
    expect(check(sig)).toBeUndefined();
  });

  it('a service that requires signatures refuses an unsigned approval; a rollback may be unsigned (system identities)', () => {
    expect(check(undefined)).toBe('refused: api requires signed answers (sign it: --key <private key file>)');
    expect(check(undefined, { putBack: true })).toBeUndefined();
    expect(signatureProblem({}, 'api', undefined, now, new Set())).toBeUndefined();
  });

  it('refuses a signature made outside the window, either way', () => {
    expect(check(sig, { at: now + SIGNATURE_WINDOW_MS })).toBe(
      'refused: the signature of ann was made 11 min ago (signatures count for 10 min); sign again',
    );
    expect(check({ ...sig, at: new Date(now + 11 * 60_000).toISOString() })).toBe(
      'refused: the signature of ann was made 11 min ahead (signatures count for 10 min); sign again',
    );
  });

  it('refuses a nonce already used (a replayed answer), a signer with no key and a malformed signature', () => {
    expect(check(sig, { used: ['abcdefgh12'] })).toBe(
      'refused: the signature of ann was already used (a replayed answer)',
    );
    expect(check({ ...sig, signer: 'mallory' })).toBe(
      'refused: mallory has no key in the service file (approval.keys)',
    );
    expect(check({ ...sig, sig: 'short' })).toBe(
      'refused: the signature is malformed (signature.sig: sig: an Ed25519 signature, base64 (88 characters))',
    );
    expect(check({ ...sig, extra: 1 })).toMatch(/^refused: the signature is malformed \(signature\.: /);
  });

  it('the policy: requireSignatures needs keys; keys only for listed approvers; keys must look like keys', () => {
    expect(policyProblem({ approvers: [], requireSignatures: true })).toBe(
      'requireSignatures is set but no approver has a key (keys)',
    );
    expect(policyProblem({ approvers: ['ann'], keys: { ann: ann.pub, bob: bob.pub } })).toBe(
      'keys of bob, who are not approvers',
    );
    expect(policyProblem({ approvers: ['ann', 'bob'], keys: { ann: ann.pub, bob: bob.pub } })).toBeUndefined();
    const bad = ApprovalPolicy.safeParse({ keys: { ann: 'ssh-rsa AAAA' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({
      path: ['keys', 'ann'],
      message: 'not an ssh-ed25519 line or a PEM PUBLIC KEY',
    });
    expect(ApprovalPolicy.safeParse({ keys: { ann: ann.pub, bob: bob.pub }, requireSignatures: true }).success).toBe(
      true,
    );
  });
});
