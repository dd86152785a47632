import { z } from 'zod';

/**
 * Signed answers (docs/security.md, "Signed answers"): the approver signs what the answer is for with an
 * Ed25519 key whose public half the service file lists under `approval.keys`, so the identity that
 * counts is the key's owner — not a typed `by`, and not the client-supplied identity Temporal records.
 * This file is pure (workflow code imports it): the text that is signed, the shape of a signature and
 * the checks that need no cryptography (window, nonce reuse, "required but missing"). The cryptography
 * (Node's Ed25519) is in common/answer-keys.ts, used by the CLI to sign and by the `answerIdentity`
 * activity to verify.
 */

/** What an answer carries when it is signed. */
export interface AnswerSignature {
  /** Whose key signed: a name under `approval.keys`. */
  signer: string;
  /** Random, once per answer: the workflow refuses a nonce it has seen (a captured answer cannot be re-sent). */
  nonce: string;
  /** ISO time of signing: the workflow refuses signatures older (or newer) than SIGNATURE_WINDOW_MS. */
  at: string;
  /** Ed25519 signature of answerMessage(...), base64. */
  sig: string;
}

/** How far a signature's time may be from the workflow's clock (either way) when the answer arrives. */
export const SIGNATURE_WINDOW_MS = 10 * 60_000;

/** What is signed: the run (workflow id + run id), the answer (approve, rollback …), who, when and a nonce.
 * One line per field; a field cannot contain a newline (checked), so no two answers sign the same text. */
export interface SignedAnswerFields {
  workflowId: string;
  runId: string;
  action: string;
  signer: string;
  nonce: string;
  at: string;
}

export function answerMessage(f: SignedAnswerFields): string {
  const fields = [f.workflowId, f.runId, f.action, f.signer, f.nonce, f.at];
  if (fields.some((v) => v.includes('\n'))) throw new Error('a signed answer field contains a newline');
  return ['dockhand-answer-v1', ...fields].join('\n');
}

/** A public key as the service file lists it: an OpenSSH line (`ssh-ed25519 AAAA… [comment]`) or a PEM
 * `PUBLIC KEY` block (`openssl pkey -pubout`). Checked here by form; common/answer-keys.ts parses it. */
export const PUBLIC_KEY_TEXT =
  /^(ssh-ed25519 [A-Za-z0-9+/]+={0,2}( [^\n]*)?|-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----)\s*$/;

/** Approver name → public key (a policy's `keys`, a restart policy's `releaseKeys`), each checked by form. */
export const ApproverKeys = z.record(
  z.string().min(1),
  z.string().regex(PUBLIC_KEY_TEXT, 'not an ssh-ed25519 line or a PEM PUBLIC KEY'),
);

const AnswerSignatureSchema = z.strictObject({
  signer: z.string().min(1).max(200),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'nonce: 8–64 letters, digits, "_" or "-"'),
  at: z.string().datetime({ offset: true }),
  sig: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'sig: an Ed25519 signature, base64 (88 characters)'),
});

/** What the signing part of the policy says (from the service file's `approval`). */
export interface SigningPolicy {
  /** Approver name → Ed25519 public key. */
  keys?: Readonly<Record<string, string>>;
  /** Only signed answers count (system identities such as deploy-guard excepted: they may only put back). */
  requireSignatures?: boolean;
}

/**
 * Why a (possibly) signed answer cannot count, before any cryptography: required but missing, malformed,
 * outside the time window, a nonce already used. Deterministic (workflow time, workflow state): the
 * Update validator calls it so such answers never enter history, and the handler calls it again.
 * `unsignedMayCount`: an unsigned answer may still count although signatures are required — a system
 * identity's rollback or reject (the deploy guard has no key; it may only put things back).
 */
export function signatureProblem(
  policy: SigningPolicy,
  subject: string,
  raw: unknown,
  nowMs: number,
  usedNonces: ReadonlySet<string>,
  unsignedMayCount = false,
): string | undefined {
  if (raw === undefined || raw === null) {
    return policy.requireSignatures && !unsignedMayCount
      ? `refused: ${subject} requires signed answers (sign it: --key <private key file>)`
      : undefined;
  }
  const parsed = AnswerSignatureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `refused: the signature is malformed (signature.${issue.path.join('.')}: ${issue.message})`;
  }
  const s = parsed.data;
  const skew = Date.parse(s.at) - nowMs;
  if (Math.abs(skew) > SIGNATURE_WINDOW_MS)
    return `refused: the signature of ${s.signer} was made ${Math.round(Math.abs(skew) / 60_000)} min ${skew < 0 ? 'ago' : 'ahead'} (signatures count for ${SIGNATURE_WINDOW_MS / 60_000} min); sign again`;
  if (usedNonces.has(s.nonce)) return `refused: the signature of ${s.signer} was already used (a replayed answer)`;
  if (!policy.keys?.[s.signer]) return `refused: ${s.signer} has no key in the service file (approval.keys)`;
  return undefined;
}
