import http from 'node:http';

/** One GET of `url` on a connection of its own, as a browser arriving anew sends it: the status and
 * the body, or a rejection (no answer within `timeoutMs`, refused, reset). Never a kept-alive socket:
 * a graceful nginx reload (every edge switch) closes *idle* keep-alive connections, and a request a
 * client sends on one at that instant is reset — browsers retry that case by themselves, Node's
 * clients (fetch included) do not, so a probe on keep-alive would report a client quirk as the
 * service's failure. */
export function freshGet(
  url: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
  });
}
