import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** Writes a service file (YAML) into a fresh temp dir; returns its path. */
export function writeServiceFile(content: unknown, name = 'dockhand.yml'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dockhand-config-')), name);
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}
