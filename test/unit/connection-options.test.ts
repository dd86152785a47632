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
