import { readVariable } from '../../common/config';
import { parseImageRef } from '../../common/image-ref';

/** Credentials of one registry, from the host agent's own environment (never from workflow input, so
 * they never land in a workflow's history). */
export interface RegistryCredentials {
  /** host[:port] the credentials belong to. */
  server: string;
  username: string;
  password: string;
}

/**
 * DOCKHAND_REGISTRY_SERVER, _USERNAME and _PASSWORD: all three or none (a half-set group is an error
 * naming what is missing, so an agent does not start and then fail every pull).
 */
export function registryCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const server = readVariable('DOCKHAND_REGISTRY_SERVER', env);
  const username = readVariable('DOCKHAND_REGISTRY_USERNAME', env);
  const password = readVariable('DOCKHAND_REGISTRY_PASSWORD', env);
  if (!server && !username && !password) return undefined;
  const missing = [
    ['DOCKHAND_REGISTRY_SERVER', server],
    ['DOCKHAND_REGISTRY_USERNAME', username],
    ['DOCKHAND_REGISTRY_PASSWORD', password],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length) throw new Error(`registry credentials: ${missing.join(' and ')} unset (set all three or none)`);
  return { server: server!, username: username!, password: password! };
}

/** The Engine's authconfig for pulling `image`: only for the registry the credentials name (they
 * never go to another registry, Docker Hub included). */
export function authFor(
  image: string,
  credentials: RegistryCredentials | undefined,
): { username: string; password: string; serveraddress: string } | undefined {
  if (!credentials || parseImageRef(image).registry !== credentials.server) return undefined;
  return { username: credentials.username, password: credentials.password, serveraddress: credentials.server };
}
