import { describe, expect, it } from 'vitest';
import { authFor, registryCredentialsFromEnv } from '../../../activities/docker/registry-auth';

const env = {
  DOCKHAND_REGISTRY_SERVER: '10.213.100.1:5100',
  DOCKHAND_REGISTRY_USERNAME: 'ci',
  DOCKHAND_REGISTRY_PASSWORD: 's3cret',
};

describe("registry credentials from the agent's environment", () => {
  it('reads all three or none', () => {
    expect(registryCredentialsFromEnv({})).toBeUndefined();
    expect(registryCredentialsFromEnv(env)).toEqual({
      server: '10.213.100.1:5100',
      username: 'ci',
      password: 's3cret',
    });
  });

  it('refuses a half-set group or a bad server, naming the variables', () => {
    expect(() => registryCredentialsFromEnv({ DOCKHAND_REGISTRY_USERNAME: 'ci' })).toThrow(
      'registry credentials: DOCKHAND_REGISTRY_SERVER and DOCKHAND_REGISTRY_PASSWORD unset (set all three or none)',
    );
    expect(() => registryCredentialsFromEnv({ ...env, DOCKHAND_REGISTRY_SERVER: 'http://reg/' })).toThrow(
      'DOCKHAND_REGISTRY_SERVER="http://reg/" is not host[:port]',
    );
  });

  it('sends them to the registry they name and to no other', () => {
    const creds = registryCredentialsFromEnv(env);
    expect(authFor('10.213.100.1:5100/app:v1', creds)).toEqual({
      username: 'ci',
      password: 's3cret',
      serveraddress: '10.213.100.1:5100',
    });
    expect(authFor('10.213.100.1:5200/app:v1', creds)).toBeUndefined();
    expect(authFor('busybox:1.36', creds)).toBeUndefined();
    expect(authFor('10.213.100.1:5100/app:v1', undefined)).toBeUndefined();
  });
});
