import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { readVariable } from '../common/config';
import { redactText } from '../common/redact';

/**
 * The ioredis options a REDIS_URL stands for — one parser for every Redis connection of Dockhand
 * (workers, CLI, trigger, tests):
 * - `redis://[user][:password]@host[:port][/db]` — password (Redis AUTH, with an ACL user if given);
 * - `rediss://…` — the same over TLS (the system's CAs, or REDIS_TLS_CA for a private one);
 * - `redis+sentinel://[user][:password]@host1:26379,host2:26379/<master name>[/db]` — Sentinel: the
 *   sentinels are asked for the master's address (and again after a failover); the password is sent to
 *   the master and the sentinels alike. `rediss+sentinel://` does both over TLS.
 * A bad URL throws, naming what is wrong, never echoing the password.
 */
export function redisOptions(url: string, tlsFiles: RedisTlsFiles = {}): RedisOptions {
  const m = /^(rediss?|rediss?\+sentinel):\/\/(?:([^@/]*)@)?([^/]+)(?:\/([^/]*))?(?:\/(\d+))?\/?$/.exec(url);
  if (!m)
    throw new Error(
      `REDIS_URL "${shown(url)}" is not redis://, rediss:// or redis+sentinel://[user:password@]host[:port][/…]`,
    );
  const [, scheme, auth, hosts, first, second] = m as unknown as [
    string,
    string,
    string | undefined,
    string,
    string?,
    string?,
  ];
  const tls = scheme.startsWith('rediss') ? { tls: { ...tlsFiles } } : {};
  const colon = auth?.indexOf(':') ?? -1;
  const credentials = {
    ...(auth && colon >= 0 && auth.slice(colon + 1) ? { password: decodeURIComponent(auth.slice(colon + 1)) } : {}),
    ...(auth && (colon >= 0 ? auth.slice(0, colon) : auth)
      ? { username: decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : auth) }
      : {}),
  };
  const addresses = hosts.split(',').map((h, i) => {
    const hp = /^([^:]+|\[[^\]]+\])(?::(\d+))?$/.exec(h);
    if (!hp) throw new Error(`REDIS_URL "${shown(url)}": host ${i + 1} is not host[:port]`);
    return {
      host: hp[1]!.replace(/^\[|\]$/g, ''),
      port: Number(hp[2] ?? (scheme.includes('sentinel') ? 26379 : 6379)),
    };
  });
  if (scheme.includes('sentinel')) {
    if (!first) throw new Error(`REDIS_URL "${shown(url)}": name the master after the sentinels (…/mymaster)`);
    return {
      sentinels: addresses,
      name: decodeURIComponent(first),
      ...credentials,
      ...(credentials.password ? { sentinelPassword: credentials.password } : {}),
      ...(credentials.username ? { sentinelUsername: credentials.username } : {}),
      ...(second ? { db: Number(second) } : {}),
      ...tls,
      ...(scheme.startsWith('rediss') ? { sentinelTLS: tls.tls, enableTLSForSentinelMode: true } : {}),
    };
  }
  if (addresses.length !== 1) throw new Error(`REDIS_URL "${shown(url)}": several hosts only with redis+sentinel://`);
  if (second !== undefined || (first !== undefined && first !== '' && !/^\d+$/.test(first)))
    throw new Error(`REDIS_URL "${shown(url)}": the path is the database number (/0)`);
  return { ...addresses[0], ...credentials, ...(first ? { db: Number(first) } : {}), ...tls };
}

/** The URL as it may be printed: its password redacted. */
export function shown(url: string): string {
  return redactText(url);
}

/** The PEM contents a TLS connection uses beyond the system's CAs: a private CA, a client certificate. */
export interface RedisTlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** REDIS_TLS_CA, REDIS_TLS_CERT and REDIS_TLS_KEY, read now; an unreadable file or a certificate without
 * its key is an error naming the variable. */
export function redisTlsFiles(env: NodeJS.ProcessEnv = process.env): RedisTlsFiles {
  const read = (name: 'REDIS_TLS_CA' | 'REDIS_TLS_CERT' | 'REDIS_TLS_KEY') => {
    const file = readVariable(name, env);
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
    }
  };
  const [ca, cert, key] = [read('REDIS_TLS_CA'), read('REDIS_TLS_CERT'), read('REDIS_TLS_KEY')];
  if (!cert !== !key)
    throw new Error('REDIS_TLS_CERT and REDIS_TLS_KEY: set both (a client certificate and its key) or neither');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** A Redis client for REDIS_URL (any form above) with the caller's options; the TLS files read now.
 * Every Redis connection of Dockhand (workers, trigger, BullMQ queues, CLI) is made here. */
export function newRedis(url: string, options: RedisOptions = {}, env: NodeJS.ProcessEnv = process.env): Redis {
  return new Redis({ ...redisOptions(url, redisTlsFiles(env)), ...options });
}

/** Why a connection to Redis failed, in words that say what to set: an untrusted certificate, a missing
 * client certificate (a TLS server that requires one resets the connection, or alerts); otherwise the
 * error's code or message. `url` and `env` say whether TLS was used and a client certificate was set. */
export function redisProblem(e: Error, url: string, env: NodeJS.ProcessEnv = process.env): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code && UNTRUSTED.has(code))
    return `its TLS certificate is not trusted (${code}): set REDIS_TLS_CA to the PEM file of the CA that signed it`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `its TLS certificate does not name the host of REDIS_URL (${code})`;
  const tls = url.startsWith('rediss');
  if (tls && /certificate required/i.test(e.message))
    return `it requires a client certificate (${code ?? e.message}): set REDIS_TLS_CERT and REDIS_TLS_KEY`;
  if (tls && code === 'ECONNRESET' && !readVariable('REDIS_TLS_CERT', env))
    return `${code}: it closed the TLS connection; if it requires a client certificate (tls-auth-clients), set REDIS_TLS_CERT and REDIS_TLS_KEY`;
  return code ?? e.message;
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);
