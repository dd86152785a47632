import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporalConnectionOptions } from '../../client/connection-options';
import { loadConfig } from '../../common/config';

const files: Record<string, string> = { '/ca.pem': 'CA', '/c.pem': 'CERT', '/k.pem': 'KEY' };
const read = (f: string) => {
  if (!(f in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return Buffer.from(files[f]!);
};

describe('Temporal connection options (TLS, mTLS, API key) from the environment', () => {
  it('plain TCP by default', () => {
    expect(temporalConnectionOptions(loadConfig({}), read)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('mTLS: server CA, client pair and server name', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CA: '/ca.pem',
      TEMPORAL_TLS_CERT: '/c.pem',
      TEMPORAL_TLS_KEY: '/k.pem',
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    });
    expect(temporalConnectionOptions(config, read)).toEqual({
      address: 'temporal.internal:7233',
      tls: {
        serverRootCACertificate: Buffer.from('CA'),
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
        serverNameOverride: 'frontend.temporal',
      },
    });
  });

  it('an API key implies TLS (system CAs)', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k-123' });
    expect(temporalConnectionOptions(config, read)).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: 'k-123',
    });
  });

  it('refuses half a client pair and names an unreadable file', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' })).toThrow(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: give both (mTLS) or neither',
    );
    expect(() => temporalConnectionOptions(loadConfig({ TEMPORAL_TLS_CA: '/missing.pem' }), read)).toThrow(
      'TEMPORAL_TLS_CA: cannot read /missing.pem (ENOENT)',
    );
  });
});

describe('Temporal client config profiles (@temporalio/envconfig TOML)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-profile-'));
  const file = path.join(dir, 'temporal.toml');
  writeFileSync(path.join(dir, 'ca.pem'), 'PROFILE-CA');
  writeFileSync(
    file,
    [
      '[profile.default]',
      'address = "localhost:7233"',
      '',
      '[profile.prod]',
      'address = "temporal.prod.internal:7233"',
      'namespace = "prod"',
      'api_key = "profile-key"',
      '[profile.prod.tls]',
      `server_ca_cert_path = "${path.join(dir, 'ca.pem')}"`,
      'client_cert_data = "PROFILE-CERT"',
      'client_key_data = "PROFILE-KEY"',
      'server_name = "frontend.prod"',
      '',
    ].join('\n'),
  );

  it('TEMPORAL_PROFILE picks a profile: address, namespace, API key and TLS (paths and inline PEM)', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
    expect(config.temporalNamespace).toBe('prod');
    expect(temporalConnectionOptions(config)).toEqual({
      address: 'temporal.prod.internal:7233',
      tls: {
        serverRootCACertificate: Buffer.from('PROFILE-CA'),
        clientCertPair: { crt: Buffer.from('PROFILE-CERT'), key: Buffer.from('PROFILE-KEY') },
        serverNameOverride: 'frontend.prod',
      },
      apiKey: 'profile-key',
    });
  });

  it('without TEMPORAL_PROFILE the default profile; Dockhand variables win over the profile', () => {
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: file }).temporalAddress).toBe('localhost:7233');
    const config = loadConfig({
      TEMPORAL_CONFIG_FILE: file,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_ADDRESS: 'other:7233',
      TEMPORAL_NAMESPACE: 'staging',
      TEMPORAL_TLS_CA: '/ca.pem',
    });
    expect(config.temporalNamespace).toBe('staging');
    // Any TLS variable replaces the profile's TLS as a whole; the profile's API key still counts.
    expect(temporalConnectionOptions(config, read)).toEqual({
      address: 'other:7233',
      tls: { serverRootCACertificate: Buffer.from('CA') },
      apiKey: 'profile-key',
    });
  });

  it('a profile that is not in the file, and a misspelt key, are errors naming them', () => {
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'qa' })).toThrow(
      `TEMPORAL_PROFILE="qa": Profile 'qa' not found in config data (${file})`,
    );
    const typo = path.join(dir, 'typo.toml');
    writeFileSync(typo, '[profile.default]\nadress = "x:1"\n');
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: typo })).toThrow(new RegExp(`^${typo}: .*adress`));
  });
});
