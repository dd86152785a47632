import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Keyring } from './keyring';

/** Metadata of an encrypted payload: its encoding and the id of the key that encrypted it. */
export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over whole payloads (metadata and data), so neither a value nor its type is readable in
 * history. The key id rides in the clear metadata and is bound in as additional data: a payload whose
 * id was changed does not decrypt. Payloads that are not encrypted pass through decode unchanged
 * (history written before a key was configured stays readable).
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keys: Keyring) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys.current;
    return each(payloads, (p) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(id));
      const sealed = Buffer.concat([cipher.update(serialize(p)), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
        data: Buffer.concat([iv, sealed]),
      };
    });
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return each(payloads, (p) => {
      if (text(p.metadata?.encoding) !== ENCODING) return p;
      const id = text(p.metadata?.[KEY_ID_METADATA]) ?? '';
      const entry = this.keys.byId.get(id);
      if (!entry)
        throw new Error(
          `payload codec: no key "${id}" to decrypt this payload (known: ${[...this.keys.byId.keys()].join(', ')}); keep old keys listed after a rotation`,
        );
      const data = Buffer.from(p.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      try {
        return deserialize(
          Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]),
        );
      } catch {
        throw new Error(`payload codec: a payload under key "${id}" does not decrypt (wrong key or altered data)`);
      }
    });
  }
}

/** The interface is async; the work is synchronous (a throw becomes a rejection). */
function each(payloads: Payload[], fn: (p: Payload) => Payload): Promise<Payload[]> {
  try {
    return Promise.resolve(payloads.map(fn));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString() : undefined);

/** A payload as bytes: JSON of its base64 metadata and data (small, and no protobuf dependency). */
function serialize(p: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  );
  return Buffer.from(JSON.stringify({ m: metadata, d: Buffer.from(p.data ?? new Uint8Array()).toString('base64') }));
}

function deserialize(bytes: Buffer): Payload {
  const { m, d } = JSON.parse(bytes.toString()) as { m: Record<string, string>; d: string };
  return {
    metadata: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(d, 'base64')),
  };
}
