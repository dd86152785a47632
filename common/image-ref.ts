/**
 * Image references as the Engine reads them: `[registry/]path[:tag][@digest]`. The registry is the first
 * path component when it looks like a host (has "." or ":", or is "localhost"), else Docker Hub.
 * Pure: workflows (pinning a digest) and the host agent (credentials, repo digests) share it.
 */
export interface ImageRef {
  /** host[:port] of the registry; "docker.io" for Docker Hub. */
  registry: string;
  /** The reference without tag and digest, as written (`10.213.100.1:5100/app`, `busybox`). */
  repository: string;
  tag?: string;
  /** sha256:… when the reference names one. */
  digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Splits a reference; throws naming `field` when it is not one. */
export function parseImageRef(ref: string, field = 'image'): ImageRef {
  if (!ref || /\s/.test(ref)) throw new Error(`${field}: "${ref}" is not an image reference`);
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST.test(digest))
    throw new Error(`${field}: "${ref}" has a digest that is not sha256:<64 hex digits>`);
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  // A ":" after the last "/" starts a tag; one before it is a registry's port.
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  const repository = colon > slash ? named.slice(0, colon) : named;
  if (!repository || tag === '') throw new Error(`${field}: "${ref}" is not an image reference`);
  const first = repository.split('/')[0]!;
  const registry =
    repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
      ? first
      : 'docker.io';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `repository@digest`: the reference that pulls exactly those bytes. */
export function pinnedRef(ref: string, digest: string): string {
  if (!DIGEST.test(digest)) throw new Error(`digest: "${digest}" is not sha256:<64 hex digits>`);
  return `${parseImageRef(ref).repository}@${digest}`;
}

/** The manifest digest an image has in `ref`'s repository, from the Engine's RepoDigests
 * (`repo@sha256:…`); undefined for an image that never came from (or went to) that repository. The
 * Engine writes Docker Hub repositories short (`busybox`, `library/` dropped), so both spellings match. */
export function repoDigestFor(ref: string, repoDigests: readonly string[]): string | undefined {
  const { repository } = parseImageRef(ref);
  const names = new Set([repository, repository.replace(/^(docker\.io\/)?(library\/)?/, '')]);
  for (const rd of repoDigests) {
    const at = rd.indexOf('@');
    if (at > 0 && names.has(rd.slice(0, at))) return rd.slice(at + 1);
  }
  return undefined;
}
