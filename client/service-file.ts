import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ServiceFileError } from '../common/service-file/resolve';
import { ServiceFile } from '../common/service-file/schema';

/** The default service file, in the working directory. */
const DEFAULT_SERVICE_FILE = 'dockhand.yml';

/** A service file read from disk and validated, with what an audit trail needs about it. */
export interface LoadedServiceFile {
  /** As given (relative paths stay relative: they read better in errors). */
  path: string;
  sha256: string;
  /** The commit of the git checkout holding the file, and whether the file differs from it. */
  gitCommit?: string;
  dirty?: boolean;
  file: ServiceFile;
  /** "dockhand.yml:14 services.api.port: expected a number" for every issue of a ServiceFileError. */
  explain(error: ServiceFileError): string;
}

/** What a change's origin records of the file it was resolved from. */
export function configOrigin(loaded: LoadedServiceFile) {
  return {
    path: loaded.path,
    sha256: loaded.sha256,
    ...(loaded.gitCommit ? { gitCommit: loaded.gitCommit, dirty: loaded.dirty } : {}),
  };
}

/** Where the service file is: --config, else DOCKHAND_CONFIG, else ./dockhand.yml. */
export function serviceFilePath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.DOCKHAND_CONFIG ?? DEFAULT_SERVICE_FILE;
}

/** A bad service file; the message names file:line and path of every issue. Nothing was changed. */
export class ServiceFileLoadError extends Error {}

/** Reads, parses and validates the service file; throws ServiceFileLoadError naming file:line:path. */
export function loadServiceFile(file: string): LoadedServiceFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ServiceFileLoadError(
      `${file}: cannot read the service file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseServiceFile(text, file);
}

/** The service file when it exists; undefined when there is none at `file` (a flags-only setup). */
export function loadServiceFileIfPresent(file: string): LoadedServiceFile | undefined {
  return existsSync(file) ? loadServiceFile(file) : undefined;
}

/** Parses and validates service-file text (exported for tests and for the webhook's reloads). */
export function parseServiceFile(text: string, file: string): LoadedServiceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    throw new ServiceFileLoadError(
      doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line} ${e.message.split('\n')[0]}`).join('\n'),
    );
  }
  const where = (p: Array<string | number>) => `${file}:${lineOf(doc, lines, p)} ${p.join('.') || '(file)'}`;
  const parsed = ServiceFile.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new ServiceFileLoadError(
      parsed.error.issues
        .flatMap((i) => {
          const p = i.path as Array<string | number>;
          // An unknown key is named at its own line, one line per key.
          if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${where([...p, k])}: unknown key (a typo?)`);
          return [`${where(p)}: ${i.message}`];
        })
        .join('\n'),
    );
  }
  const git = gitState(file);
  return {
    path: file,
    sha256: createHash('sha256').update(text).digest('hex'),
    ...git,
    file: parsed.data,
    explain: (error) =>
      error.issues
        .map((i) => (i.path[0] === 'services' ? `${where(i.path)}: ${i.message}` : `${i.path.join('.')}: ${i.message}`))
        .join('\n'),
  };
}

/** The line of the deepest node on `p` that exists (a missing key is reported at its parent). */
function lineOf(doc: Document, lines: LineCounter, p: Array<string | number>): number {
  for (let n = p.length; n >= 0; n--) {
    const prefix = p.slice(0, n);
    const node = prefix.length ? doc.getIn(prefix, true) : doc.contents;
    // For a key of a map, point at the key itself (its value may be a block starting lines later).
    const parent = n > 0 ? (n > 1 ? doc.getIn(p.slice(0, n - 1), true) : doc.contents) : undefined;
    if (isMap(parent)) {
      const pair = parent.items.find(
        (it) => isNode(it.key) && String((it.key as { value?: unknown }).value) === String(p[n - 1]),
      );
      if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
    }
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

/** The commit of the checkout holding the file, if it is in one and git is installed. */
function gitState(file: string): { gitCommit?: string; dirty?: boolean } {
  const dir = path.dirname(path.resolve(file));
  try {
    const run = (...args: string[]) =>
      execFileSync('git', ['-C', dir, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      }).trim();
    const gitCommit = run('rev-parse', 'HEAD');
    const dirty = run('status', '--porcelain', '--', path.resolve(file)) !== '';
    return /^[a-f0-9]{40,64}$/.test(gitCommit) ? { gitCommit, dirty } : {};
  } catch {
    return {};
  }
}
