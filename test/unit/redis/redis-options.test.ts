import { describe, expect, it } from 'vitest';
import { redisOptions, shown } from '../../../client/redis-connection';

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
    expect(redisOptions('rediss://:pw@r:6380', ca)).toEqual({ host: 'r', port: 6380, password: 'pw', tls: { ca } });
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
});
