import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { CandidateFile, FileMode, FilesystemFacts } from './scan-data';

const SYSTEM_PATHS = ['bin', 'sbin', 'usr', 'etc', 'lib', 'lib32', 'lib64', 'boot'];
/** Names worth opening: keys, keystores and credential files (their content decides). */
const CANDIDATE_NAME =
  /(\.(pem|key|p12|pfx|ppk)$|^id_(rsa|dsa|ecdsa|ed25519)$|^\.env(\..+)?$|^credentials(\.json)?$|^\.netrc$|^\.pgpass$|^\.git-credentials$|^\.npmrc$|^config\.json$)/;
const HEAD_BYTES = 8192;
const ACCOUNT_FILE_BYTES = 256 * 1024;

const typeOf = (t: string | null | undefined): FileMode['type'] =>
  t === 'file' || t === 'contiguous-file'
    ? 'file'
    : t === 'directory'
      ? 'directory'
      : t === 'symlink'
        ? 'symlink'
        : 'other';
const inSystemPath = (p: string) => SYSTEM_PATHS.some((s) => p === s || p.startsWith(`${s}/`));
const isCandidate = (p: string) => {
  const name = p.slice(p.lastIndexOf('/') + 1);
  if (name === 'config.json') return p.includes('.docker/');
  if (name === 'credentials') return p.includes('.aws/');
  return CANDIDATE_NAME.test(name);
};

/**
 * Walks a filesystem tar (from `docker export`) once and keeps only what the checks need: special
 * bits, world-writable system paths, the first bytes of key/credential candidates, /etc/passwd and
 * /etc/shadow, and the modes of `changed` paths. Contents of other files are skipped unread.
 */
export async function walkFilesystem(
  stream: Readable,
  changed: Set<string>,
  onProgress: (entries: number) => void = () => {},
): Promise<FilesystemFacts> {
  const facts: FilesystemFacts = { setuid: [], worldWritable: [], candidates: [], changedModes: [] };
  const extract = tar.extract();
  let entries = 0;
  extract.on('entry', (header, body, next) => {
    const path = header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    const mode = (header.mode ?? 0) & 0o7777;
    const type = typeOf(header.type);
    const f: FileMode = { path, mode, type };
    if (type === 'file' && mode & 0o6000) facts.setuid.push(f);
    if (
      type !== 'symlink' &&
      type !== 'other' &&
      mode & 0o002 &&
      !(type === 'directory' && mode & 0o1000) &&
      inSystemPath(path)
    )
      facts.worldWritable.push(f);
    if (changed.has(path)) facts.changedModes.push(f);
    const wanted =
      type === 'file'
        ? path === 'etc/passwd' || path === 'etc/shadow'
          ? ACCOUNT_FILE_BYTES
          : isCandidate(path)
            ? HEAD_BYTES
            : 0
        : 0;
    if (++entries % 2000 === 0) onProgress(entries);
    if (!wanted) {
      body.on('end', next);
      body.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (c: unknown) => {
      if (!Buffer.isBuffer(c)) return;
      if (size < wanted) chunks.push(c);
      size += c.length;
    });
    body.on('end', () => {
      const text = Buffer.concat(chunks).subarray(0, wanted).toString('utf8');
      if (path === 'etc/passwd') facts.passwd = text;
      else if (path === 'etc/shadow') facts.shadow = text;
      else facts.candidates.push({ path, size: header.size ?? size, head: text } satisfies CandidateFile);
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract);
  });
  return facts;
}
