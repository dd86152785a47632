import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpecHashKey } from '../../../workers/lib/spec-hash-key';

describe("the host agent's spec hash key", () => {
  it('is made once in the data directory (mode 0600) and read back on the next start', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'trust-key-')), 'data');
    const first = loadSpecHashKey(undefined, dir);
    expect(first.length).toBe(32);
    expect(statSync(path.join(dir, 'spec-hash.key')).mode & 0o777).toBe(0o600);
    expect(loadSpecHashKey(undefined, dir)).toEqual(first);
    expect(readFileSync(path.join(dir, 'spec-hash.key'), 'utf8')).toBe(first.toString('hex'));
  });

  it('comes from DOCKHAND_AGENT_HASH_KEY when set (hex or base64)', () => {
    expect(loadSpecHashKey('ab'.repeat(16), '/nonexistent').toString('hex')).toBe('ab'.repeat(16));
    expect(loadSpecHashKey(Buffer.alloc(24, 7).toString('base64'), '/nonexistent')).toEqual(Buffer.alloc(24, 7));
  });

  it('says which file it cannot write and what to set instead', () => {
    // A data directory below a regular file cannot be made.
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'trust-key-')), 'file');
    writeFileSync(file, '');
    expect(() => loadSpecHashKey(undefined, path.join(file, 'data'))).toThrow(
      `the spec hash key: cannot write ${path.join(file, 'data', 'spec-hash.key')} (ENOTDIR); set DOCKHAND_AGENT_HASH_KEY or DOCKHAND_AGENT_DATA_DIR`,
    );
  });
});
