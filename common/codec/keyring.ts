/**
 * The payload codec's keys: AES-256 keys, each with an id that is written into every payload it
 * encrypts, so a key can be rotated — add the new key first (it encrypts), keep the old ones listed
 * (they still decrypt what history holds), drop an old key only when no history needs it.
 *
 * Format, in DOCKHAND_CODEC_KEYS or one per line in DOCKHAND_CODEC_KEY_FILE: `<id>=<key>`, the key 32
 * bytes as base64 (`openssl rand -base64 32`) or 64 hex digits; `#` starts a comment in the file.
 * Pure: the caller reads the file.
 */
interface CodecKey {
  readonly id: string;
  readonly key: Buffer;
}
export interface Keyring {
  /** The key new payloads are encrypted with: the first one listed. */
  readonly current: CodecKey;
  /** Every key by id: any of them decrypts. */
  readonly byId: ReadonlyMap<string, CodecKey>;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parses `<id>=<key>` entries (separated by commas or new lines); `where` names the source in errors,
 * which never contain a key's value. */
export function parseKeyring(text: string, where: string): Keyring {
  const entries = text
    .split(/[\n,]/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
  if (entries.length === 0) throw new Error(`${where}: no keys (expected <id>=<32-byte key as base64 or hex>)`);
  const byId = new Map<string, CodecKey>();
  entries.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    // "<base64 key>=" alone is a key without an id (its padding is not a separator).
    const id = eq === -1 || /^=*$/.test(entry.slice(eq + 1).trim()) ? '' : entry.slice(0, eq).trim();
    if (!KEY_ID.test(id))
      throw new Error(
        `${where}: entry ${i + 1} has no key id (expected <id>=<key>; id: letters, digits, "_", "." and "-")`,
      );
    const key = decodeKey(entry.slice(eq + 1).trim());
    if (!key) throw new Error(`${where}: key "${id}" is not 32 bytes as base64 or 64 hex digits`);
    if (byId.has(id)) throw new Error(`${where}: key id "${id}" is listed twice`);
    byId.set(id, { id, key });
  });
  return { current: byId.values().next().value!, byId };
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === 32 ? key : undefined;
}
