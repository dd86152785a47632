import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisOptions, redisProblem, redisTlsFiles, shown } from '../../../client/redis-connection';

describe('REDIS_URL forms', () => {
  it('plain, with a password (and an ACL user), a database, and over TLS', () => {
    expect(redisOptions('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(redisOptions('redis://:s%40cret@redis.internal/2')).toEqual({
      host: 'redis.internal',
      port: 6379,
      password: 's@cret',
      db: 2,
    });
    expect(redisOptions('redis://dockhand:pw@r:7000')).toEqual({
      host: 'r',
      port: 7000,
      username: 'dockhand',
      password: 'pw',
    });
    const ca = Buffer.from('PEM');
    expect(redisOptions('rediss://:pw@r:6380', { ca })).toEqual({ host: 'r', port: 6380, password: 'pw', tls: { ca } });
    const [cert, key] = [Buffer.from('CERT'), Buffer.from('KEY')];
    expect(redisOptions('rediss+sentinel://s1/m', { ca, cert, key })).toMatchObject({
      tls: { ca, cert, key },
      sentinelTLS: { ca, cert, key },
    });
    // TLS files are for rediss:// only: a plain URL stays plain.
    expect(redisOptions('redis://r', { ca })).toEqual({ host: 'r', port: 6379 });
    expect(redisOptions('rediss://r')).toEqual({ host: 'r', port: 6379, tls: {} });
  });

  it('Sentinel: the sentinels, the master name, the password for both', () => {
    expect(redisOptions('redis+sentinel://:pw@s1:26379,s2,[::1]:26380/mymaster/1')).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      password: 'pw',
      sentinelPassword: 'pw',
      db: 1,
    });
    expect(redisOptions('rediss+sentinel://s1/m')).toMatchObject({
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
  });

  it('refuses what it cannot read, never echoing the password', () => {
    expect(() => redisOptions('http://:hunter22@r')).toThrow(
      'REDIS_URL "http://:<redacted>@r" is not redis://, rediss:// or redis+sentinel://',
    );
    expect(() => redisOptions('redis+sentinel://:hunter22@s1,s2')).toThrow('name the master after the sentinels');
    expect(() => redisOptions('redis://a,b')).toThrow('several hosts only with redis+sentinel://');
    expect(() => redisOptions('redis://r/x')).toThrow('the path is the database number (/0)');
    expect(shown('redis://:hunter22@r:6379')).toBe('redis://:<redacted>@r:6379');
  });

  it('TLS files: read from REDIS_TLS_CA / _CERT / _KEY, a certificate only with its key, unreadable named', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-tls-unit-'));
    const file = (name: string, text: string) => (writeFileSync(path.join(dir, name), text), path.join(dir, name));
    const [ca, cert, key] = [file('ca.pem', 'CA'), file('c.pem', 'CERT'), file('c.key', 'KEY')];
    expect(redisTlsFiles({ REDIS_TLS_CA: ca, REDIS_TLS_CERT: cert, REDIS_TLS_KEY: key })).toEqual({
      ca: Buffer.from('CA'),
      cert: Buffer.from('CERT'),
      key: Buffer.from('KEY'),
    });
    expect(redisTlsFiles({})).toEqual({});
    expect(() => redisTlsFiles({ REDIS_TLS_CERT: cert })).toThrow(
      'REDIS_TLS_CERT and REDIS_TLS_KEY: set both (a client certificate and its key) or neither',
    );
    expect(() => redisTlsFiles({ REDIS_TLS_CA: path.join(dir, 'nope.pem') })).toThrow(
      `REDIS_TLS_CA: cannot read ${path.join(dir, 'nope.pem')} (ENOENT)`,
    );
  });

  it('says what to set when TLS fails: the CA for an untrusted certificate, a client certificate when asked', () => {
    const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
    const tls = 'rediss://r:6380';
    expect(redisProblem(err('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), tls)).toBe(
      'its TLS certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN): set REDIS_TLS_CA to the PEM file of the CA that signed it',
    );
    const alert = err('ssl3_read_bytes:tlsv13 alert certificate required', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(redisProblem(alert, tls, {})).toBe(
      'it requires a client certificate (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED): set REDIS_TLS_CERT and REDIS_TLS_KEY',
    );
    const reset = err('read ECONNRESET', 'ECONNRESET');
    expect(redisProblem(reset, tls, {})).toBe(
      'ECONNRESET: it closed the TLS connection; if it requires a client certificate (tls-auth-clients), set REDIS_TLS_CERT and REDIS_TLS_KEY',
    );
    // With a client certificate set, or without TLS, a reset is only a reset.
    expect(redisProblem(reset, tls, { REDIS_TLS_CERT: '/c.pem' })).toBe('ECONNRESET');
    expect(redisProblem(reset, 'redis://r', {})).toBe('ECONNRESET');
    expect(redisProblem(err('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), tls, {})).toBe('ECONNREFUSED');
  });
});
