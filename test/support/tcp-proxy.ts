import net from 'node:net';

/** A TCP proxy in front of a real server that a test can cut (refuse and drop every connection) and
 * restore: "Temporal is unreachable" without touching the shared Temporal server. */
export async function tcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get address() {
      return `127.0.0.1:${port}`;
    },
    /** Stops listening and drops every open connection. */
    cut: async () => {
      const closed = new Promise<void>((r) => server!.close(() => r()));
      sockets.forEach((s) => s.destroy());
      await closed;
    },
    restore: listen,
    close: async () => {
      const closed = new Promise<void>((r) => server!.close(() => r()));
      sockets.forEach((s) => s.destroy());
      await closed;
    },
  };
}
