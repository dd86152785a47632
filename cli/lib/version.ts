import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Dockhand's version, from package.json (read once, when --version asks). */
export function dockhandVersion(): string {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
