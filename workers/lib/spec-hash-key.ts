import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The host agent's key for the HMAC over secret values in spec hashes (activities/docker/spec-hash.ts):
 * DOCKHAND_AGENT_HASH_KEY, else `<data dir>/spec-hash.key`, made (random, mode 0600) at the first start.
 * The key must outlive restarts: a new key changes the hash of every spec with secrets, so the next
 * deploy of such a service replaces containers that did not change.
 */
export function loadSpecHashKey(fromEnv: string | undefined, dataDir: string): Buffer {
  if (fromEnv) return /^[0-9a-fA-F]+$/.test(fromEnv) ? Buffer.from(fromEnv, 'hex') : Buffer.from(fromEnv, 'base64');
  const file = path.join(dataDir, 'spec-hash.key');
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // "wx": two agents starting on one host at once keep the first key written.
    writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new Error(
        `the spec hash key: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); set DOCKHAND_AGENT_HASH_KEY or DOCKHAND_AGENT_DATA_DIR`,
        { cause: e },
      );
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length < 16) throw new Error(`the spec hash key in ${file} is not hex of at least 16 bytes`);
  return key;
}
