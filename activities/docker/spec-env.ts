import type { ContainerSpec } from '../../common/spec/container-spec';
import { readEnvFiles } from './env-files';
import { resolveSecretEnv } from './secrets';

/** The environment a container of `spec` gets: env files, then `env`, then secrets (later wins). One
 * function for createContainer and planSpecHashes, so a planned spec hash is the hash the created
 * container carries (a re-run then skips what is already on the target). */
export async function resolveEnv(spec: ContainerSpec): Promise<Record<string, string>> {
  return { ...(await readEnvFiles(spec.envFiles)), ...spec.env, ...(await resolveSecretEnv(spec.secretEnv)) };
}
