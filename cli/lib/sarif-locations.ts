import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { SarifLocator } from '../../activities/scan/report/sarif';

/**
 * Points SARIF results at the service file line that defines the container's service, so a GitHub
 * alert opens on `services.<name>:` in the repository. A container belongs to service `s` when it is
 * labelled dockhand.service=s, or named as Dockhand names them: `s`, `s-blue`, `s-green`, `s-edge` or `s-<n>`
 * (replicas). Only a file inside the working directory (the repository, in CI) is used; anything else keeps
 * the pseudo-path.
 */
export function serviceFileLocator(file: string, cwd = process.cwd()): SarifLocator {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return () => undefined;
  let lines: Map<string, number>;
  try {
    lines = serviceLines(readFileSync(path.resolve(cwd, file), 'utf8'));
  } catch {
    return () => undefined;
  }
  const uri = rel.split(path.sep).join('/');
  return (c) => {
    // The container's dockhand.service label first (set on containers a Dockhand deploy started).
    const service = c.service && lines.has(c.service) ? c.service : serviceOf(c.name, lines);
    return service ? { uri, startLine: lines.get(service)! } : undefined;
  };
}

/** The line (1-based) of each `services.<name>:` key. */
export function serviceLines(text: string): Map<string, number> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const services = doc.get('services', true);
  const out = new Map<string, number>();
  if (!isMap(services)) return out;
  for (const item of services.items)
    if (isScalar(item.key) && item.key.range) out.set(String(item.key.value), counter.linePos(item.key.range[0]).line);
  return out;
}

function serviceOf(container: string, services: Map<string, number>): string | undefined {
  if (services.has(container)) return container;
  const m = /^(.+)-(blue|green|edge|\d+)$/.exec(container);
  return m && services.has(m[1]!) ? m[1] : undefined;
}
