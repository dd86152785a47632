import type { ContainerSpec } from '../../common/spec/container-spec';
import { Labels } from '../../common/labels';
import { readEnvFiles } from './env-files';
import { resolveSecretEnv } from './secrets';

/** The environment a container of `spec` gets: env files, then `env`, then secrets (later wins), and the
 * label naming the variables whose values are secret (those from env files and secretEnv, unless a
 * plain `env` entry overrode them). One function for createContainer and planSpecHashes, so a planned
 * spec hash is the hash the created container carries (a re-run then skips what is already there). */
export async function resolveEnv(
  spec: ContainerSpec,
): Promise<{ env: Record<string, string>; secretLabel: Record<string, string> }> {
  const files = await readEnvFiles(spec.envFiles);
  const secrets = await resolveSecretEnv(spec.secretEnv);
  const secretNames = [
    ...Object.keys(files).filter((k) => !(k in spec.env) && !(k in secrets)),
    ...Object.keys(secrets),
  ].sort();
  return {
    env: { ...files, ...spec.env, ...secrets },
    secretLabel: secretNames.length ? { [Labels.secretEnv]: secretNames.join(',') } : {},
  };
}
