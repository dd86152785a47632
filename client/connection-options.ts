import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { toClientOptions } from '@temporalio/envconfig';
import type { DockhandConfig } from '../common/config';

/** What every Temporal connection of Dockhand (CLI, workers, trigger) connects with: the address, TLS
 * (server CA, mTLS client pair, server name) and an API key, from the configuration. The files are
 * read here, at connect time, so a rotated certificate is picked up by the next process start. */
export function temporalConnectionOptions(
  config: Pick<DockhandConfig, 'temporalAddress' | 'temporalTls' | 'temporalApiKey'>,
  read: (file: string) => Buffer = (file) => readFileSync(file),
): { address: string; tls?: TLSConfig; apiKey?: string } {
  const t = config.temporalTls;
  const file = (what: string, path: string) => {
    try {
      return read(path);
    } catch (e) {
      throw new Error(`${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
    }
  };
  if (t?.fromProfile) {
    // The profile's own files and inline PEM, read by @temporalio/envconfig.
    const tls = toClientOptions({ tls: t.fromProfile }).connectionOptions.tls;
    const o = tls && typeof tls === 'object' ? tls : {};
    // As Buffers: envconfig reads Uint8Arrays, and the CLI's gRPC client (grpc-js) takes only Buffers.
    const buf = (b: Uint8Array) => Buffer.from(b);
    return {
      address: config.temporalAddress,
      tls: {
        ...(o.serverRootCACertificate ? { serverRootCACertificate: buf(o.serverRootCACertificate) } : {}),
        ...(o.clientCertPair
          ? { clientCertPair: { crt: buf(o.clientCertPair.crt), key: buf(o.clientCertPair.key) } }
          : {}),
        ...(o.serverNameOverride ? { serverNameOverride: o.serverNameOverride } : {}),
      },
      ...(config.temporalApiKey ? { apiKey: config.temporalApiKey } : {}),
    };
  }
  return {
    address: config.temporalAddress,
    ...(t
      ? {
          tls: {
            ...(t.ca ? { serverRootCACertificate: file('TEMPORAL_TLS_CA', t.ca) } : {}),
            ...(t.cert && t.key
              ? { clientCertPair: { crt: file('TEMPORAL_TLS_CERT', t.cert), key: file('TEMPORAL_TLS_KEY', t.key) } }
              : {}),
            ...(t.serverName ? { serverNameOverride: t.serverName } : {}),
          },
        }
      : {}),
    ...(config.temporalApiKey ? { apiKey: config.temporalApiKey } : {}),
  };
}
