import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, ENCODING, KEY_ID_METADATA } from '../../../common/codec/aes-gcm-codec';
import { parseKeyring } from '../../../common/codec/keyring';
import { loadKeyring, dockhandDataConverter } from '../../../client/data-converter';
import { loadConfig } from '../../../common/config';

const key = () => randomBytes(32).toString('base64');
const SECRET = 'hunter2-db-password';

describe('the payload codec', () => {
  const k1 = key();
  const k2 = key();
  const payload = defaultPayloadConverter.toPayload({ env: { DB_PASSWORD: SECRET } })!;

  it('encrypts a payload whole (value and type) under the first key, its id in the metadata', async () => {
    const codec = new AesGcmCodec(parseKeyring(`k2=${k2},k1=${k1}`, 't'));
    const [enc] = await codec.encode([payload]);
    expect(Buffer.from(enc!.metadata!.encoding!).toString()).toBe(ENCODING);
    expect(Buffer.from(enc!.metadata![KEY_ID_METADATA]!).toString()).toBe('k2');
    expect(Buffer.from(enc!.data!).toString('latin1')).not.toContain(SECRET);
    expect(Buffer.from(enc!.data!).toString('latin1')).not.toContain('json/plain');
    expect(await codec.decode([enc!])).toEqual([payload]);
  });

  it('decrypts with any listed key after a rotation, and names a key that is missing', async () => {
    const old = new AesGcmCodec(parseKeyring(`k1=${k1}`, 't'));
    const [enc] = await old.encode([payload]);
    expect(await new AesGcmCodec(parseKeyring(`k2=${k2}\nk1=${k1}`, 't')).decode([enc!])).toEqual([payload]);
    await expect(new AesGcmCodec(parseKeyring(`k2=${k2}`, 't')).decode([enc!])).rejects.toThrow(
      'payload codec: no key "k1" to decrypt this payload (known: k2)',
    );
  });

  it('refuses altered data and a changed key id (the id is bound into the tag)', async () => {
    const codec = new AesGcmCodec(parseKeyring(`a=${k1},b=${k1}`, 't'));
    const [enc] = await codec.encode([payload]);
    const flipped = Buffer.from(enc!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...enc!, data: flipped }])).rejects.toThrow('does not decrypt');
    const relabelled = { ...enc!, metadata: { ...enc!.metadata, [KEY_ID_METADATA]: Buffer.from('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow('under key "b" does not decrypt');
  });

  it('passes payloads that are not encrypted through decode (history from before the keys)', async () => {
    const codec = new AesGcmCodec(parseKeyring(`k1=${k1}`, 't'));
    expect(await codec.decode([payload])).toEqual([payload]);
  });
});

describe('the keyring', () => {
  it('reads ids and keys (base64 or hex), comments and blank lines skipped; the first encrypts', () => {
    const hex = randomBytes(32).toString('hex');
    const ring = parseKeyring(`# rotated 2026-12\nnew=${key()}\n\nold = ${hex}\n`, 'f');
    expect(ring.current.id).toBe('new');
    expect([...ring.byId.keys()]).toEqual(['new', 'old']);
    expect(ring.byId.get('old')!.key.toString('hex')).toBe(hex);
  });

  it('refuses bad entries by source and entry, never printing a key', () => {
    const short = Buffer.from('too short').toString('base64');
    expect(() => parseKeyring('', 'DOCKHAND_CODEC_KEYS')).toThrow('DOCKHAND_CODEC_KEYS: no keys');
    expect(() => parseKeyring(`a=${short}`, 'K')).toThrow('K: key "a" is not 32 bytes as base64 or 64 hex digits');
    expect(() => parseKeyring(`a=${short}`, 'K')).not.toThrow(short);
    expect(() => parseKeyring(key(), 'K')).toThrow('K: entry 1 has no key id');
    const k = key();
    expect(() => parseKeyring(`a=${k},a=${k}`, 'K')).toThrow('K: key id "a" is listed twice');
  });

  it('comes from DOCKHAND_CODEC_KEYS or DOCKHAND_CODEC_KEY_FILE, not both', () => {
    expect(loadKeyring(loadConfig({}))).toBeUndefined();
    expect(dockhandDataConverter(loadConfig({}))).toBeUndefined();
    expect(loadKeyring(loadConfig({ DOCKHAND_CODEC_KEYS: `x=${key()}` }))!.current.id).toBe('x');
    expect(() => loadConfig({ DOCKHAND_CODEC_KEYS: `x=${key()}`, DOCKHAND_CODEC_KEY_FILE: '/k' })).toThrow(
      'DOCKHAND_CODEC_KEYS and DOCKHAND_CODEC_KEY_FILE: give one of them, not both',
    );
    expect(() => loadKeyring(loadConfig({ DOCKHAND_CODEC_KEY_FILE: '/nonexistent/keys' }))).toThrow(
      'DOCKHAND_CODEC_KEY_FILE: cannot read /nonexistent/keys (ENOENT)',
    );
  });

  it('the data converter encrypts payloads and loads the failure converter that encodes failure texts', async () => {
    const dc = dockhandDataConverter(loadConfig({ DOCKHAND_CODEC_KEYS: `x=${key()}` }))!;
    expect(dc.payloadCodecs![0]).toBeInstanceOf(AesGcmCodec);
    const loaded = (await import(dc.failureConverterPath!)) as typeof import('../../../common/codec/failure-converter');
    expect(loaded.failureConverter.options.encodeCommonAttributes).toBe(true);
  });
});
