import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { answerMessage, type AnswerSignature, type SignedAnswerFields } from './answer-signature';

/**
 * The cryptography of signed answers (Node's Ed25519; never imported by workflow code): reading the keys
 * people have — `ssh-keygen -t ed25519` (OpenSSH, unencrypted) or `openssl genpkey -algorithm ed25519`
 * (PEM) — signing on the approver's machine (the CLI) and verifying on the orchestrator (the
 * `answerIdentity` activity). What is signed is common/answer-signature.ts's answerMessage.
 */

/** A key that cannot be read; the message names what is wrong (never the key's bytes). */
export class AnswerKeyError extends Error {
  override name = 'AnswerKeyError';
}

const b64url = (b: Buffer) => b.toString('base64url');

/** Reads length-prefixed strings (RFC 4251 `string`) from an OpenSSH blob. */
class SshReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  bytes(): Buffer {
    if (this.at + 4 > this.buf.length) throw new AnswerKeyError('truncated OpenSSH key');
    const n = this.buf.readUInt32BE(this.at);
    if (this.at + 4 + n > this.buf.length) throw new AnswerKeyError('truncated OpenSSH key');
    const out = this.buf.subarray(this.at + 4, this.at + 4 + n);
    this.at += 4 + n;
    return out;
  }
  text(): string {
    return this.bytes().toString('latin1');
  }
  uint32(): number {
    if (this.at + 4 > this.buf.length) throw new AnswerKeyError('truncated OpenSSH key');
    const n = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return n;
  }
}

function ed25519Public(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new AnswerKeyError(`an Ed25519 public key has 32 bytes, this one ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
}

/** A PEM key read by Node (`read`), refused unless it is Ed25519: the one PEM path of both parsers. */
function pemEd25519(pem: string, read: (pem: string) => KeyObject, kind: 'public' | 'private'): KeyObject {
  let key: KeyObject;
  try {
    key = read(pem);
  } catch (e) {
    throw new AnswerKeyError(`not a PEM ${kind} key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AnswerKeyError(`an ${key.asymmetricKeyType ?? 'unknown'} key; answers are signed with Ed25519`);
  return key;
}

/** An Ed25519 public key from `ssh-ed25519 AAAA… [comment]` or a PEM `PUBLIC KEY` block. */
export function parsePublicKey(text: string): KeyObject {
  const t = text.trim();
  if (t.startsWith('ssh-ed25519 ')) {
    const blob = Buffer.from(t.split(/\s+/)[1] ?? '', 'base64');
    const r = new SshReader(blob);
    if (r.text() !== 'ssh-ed25519') throw new AnswerKeyError('the ssh-ed25519 line holds another key type');
    return ed25519Public(r.bytes());
  }
  if (t.startsWith('-----BEGIN PUBLIC KEY-----')) return pemEd25519(t, createPublicKey, 'public');
  throw new AnswerKeyError('not an Ed25519 public key (expected "ssh-ed25519 AAAA…" or a PEM PUBLIC KEY block)');
}

/** An Ed25519 private key from an unencrypted OpenSSH key file or a PEM (PKCS#8) `PRIVATE KEY` file. */
export function parsePrivateKey(text: string): KeyObject {
  const t = text.trim();
  const openssh = /^-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]+)-----END OPENSSH PRIVATE KEY-----$/.exec(t);
  if (openssh) return openSshPrivate(Buffer.from(openssh[1]!.replace(/\s+/g, ''), 'base64'));
  if (/^-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(t)) {
    if (t.includes('ENCRYPTED')) throw new AnswerKeyError('the key is encrypted; give an unencrypted copy');
    return pemEd25519(t, createPrivateKey, 'private');
  }
  throw new AnswerKeyError(
    'not an Ed25519 private key (expected an OpenSSH key from ssh-keygen -t ed25519 or a PEM PRIVATE KEY)',
  );
}

/** openssh-key-v1 (PROTOCOL.key in OpenSSH): magic, cipher, kdf, kdf options, key count, public keys,
 * then the private section (two check ints, key type, public key, 64-byte seed‖public, comment). */
function openSshPrivate(blob: Buffer): KeyObject {
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  if (!blob.subarray(0, magic.length).equals(magic)) throw new AnswerKeyError('not an openssh-key-v1 key');
  const r = new SshReader(blob.subarray(magic.length));
  const cipher = r.text();
  r.text(); // kdf name
  r.bytes(); // kdf options
  if (cipher !== 'none') throw new AnswerKeyError('the key is encrypted (a passphrase); give an unencrypted copy');
  if (r.uint32() !== 1) throw new AnswerKeyError('an OpenSSH file with several keys; give one');
  r.bytes(); // public key blob
  const p = new SshReader(r.bytes());
  if (p.uint32() !== p.uint32()) throw new AnswerKeyError('corrupt OpenSSH key (check ints differ)');
  const type = p.text();
  if (type !== 'ssh-ed25519') throw new AnswerKeyError(`an OpenSSH ${type} key; answers are signed with Ed25519`);
  const pub = p.bytes();
  const secret = p.bytes();
  if (pub.length !== 32 || secret.length !== 64) throw new AnswerKeyError('corrupt OpenSSH Ed25519 key');
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(secret.subarray(0, 32)), x: b64url(pub) },
    format: 'jwk',
  });
}

/** Signs an answer: the fields without `sig` come from the caller, a fresh nonce and the time are added. */
export function signAnswer(
  key: KeyObject,
  f: Omit<SignedAnswerFields, 'nonce' | 'at'>,
  now: Date = new Date(),
): AnswerSignature {
  const fields = { ...f, nonce: randomBytes(12).toString('base64url'), at: now.toISOString() };
  const sig = sign(null, Buffer.from(answerMessage(fields)), key).toString('base64');
  return { signer: f.signer, nonce: fields.nonce, at: fields.at, sig };
}

/** Whether `signature` is `publicKey`'s over this run and action; undefined when it is, else why not. */
export function verifyAnswer(
  publicKey: string,
  f: Pick<SignedAnswerFields, 'workflowId' | 'runId' | 'action'>,
  signature: AnswerSignature,
): string | undefined {
  let key: KeyObject;
  try {
    key = parsePublicKey(publicKey);
  } catch (e) {
    return `refused: the key of ${signature.signer} in the service file cannot be read (${(e as Error).message})`;
  }
  const message = answerMessage({ ...f, signer: signature.signer, nonce: signature.nonce, at: signature.at });
  const ok = verify(null, Buffer.from(message), key, Buffer.from(signature.sig, 'base64'));
  return ok ? undefined : `refused: signature of ${signature.signer} does not verify`;
}
