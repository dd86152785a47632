import { createHash, createHmac, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { Labels } from '../../common/labels';
import { canonicalJson } from './canonical-json';

/**
 * The key secret values are hashed with. The host agent sets its own persistent key at start
 * (workers/host-agent.ts, DOCKHAND_AGENT_HASH_KEY or a key file in its data directory); without one
 * (tests that run activities in-process) a random key per process, so hashes are stable only for it.
 */
let secretKey: Buffer = randomBytes(32);
export function useSpecHashKey(key: Buffer): void {
  if (key.length < 16) throw new Error('the spec hash key must be at least 16 bytes');
  secretKey = key;
}

/**
 * The spec hash covers exactly what the Engine would run: the create body with the image *id* in place
 * of its tag, so a re-tagged image is a new spec. The container's name and the hash label itself are
 * left out. Secret values (the variables the `dockhand.secret-env` label names) enter only as an HMAC
 * under the agent's key: the label is readable by anyone who can `docker inspect` and the rest of the
 * body is in history, so a plain hash would let them test guesses of a secret offline. A spec without
 * secrets hashes as before.
 */
export function specHash(body: Docker.ContainerCreateOptions, imageId: string): string {
  const { name: _name, Labels: labels = {}, ...rest } = body;
  const { [Labels.specHash]: _own, ...otherLabels } = labels;
  const secret = new Set((otherLabels[Labels.secretEnv] ?? '').split(',').filter(Boolean));
  const env = rest.Env?.map((e) => {
    const eq = e.indexOf('=');
    if (eq < 0 || !secret.has(e.slice(0, eq))) return e;
    return `${e.slice(0, eq)}=hmac:${createHmac('sha256', secretKey)
      .update(e.slice(eq + 1))
      .digest('hex')}`;
  });
  const hashed = { ...rest, ...(env ? { Env: env } : {}), Image: imageId, Labels: otherLabels };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex').slice(0, 24);
}
