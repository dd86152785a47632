import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/**
 * A TLS front for a plain-TCP server, as a secured Temporal frontend looks to its clients: TLS with the
 * given certificate, ALPN h2 (gRPC), and — with `clientCa` — mutual TLS: a client without a certificate
 * signed by that CA is refused in the handshake. The Temporal CLI's dev server has no TLS options
 * (v1.4.1), so the TLS test puts this in front of one.
 */
export async function tlsTerminator(o: {
  port: number;
  target: { host: string; port: number };
  cert: string;
  key: string;
  clientCa?: string;
}) {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: readFileSync(o.cert),
      key: readFileSync(o.key),
      ALPNProtocols: ['h2'],
      ...(o.clientCa ? { ca: readFileSync(o.clientCa), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (client) => {
      const upstream = net.connect(o.target);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    },
  );
  server.on('tlsClientError', () => undefined); // refused handshakes are the point, not a crash
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${o.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
