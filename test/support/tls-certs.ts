import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A throw-away CA (made with openssl) and a server and a client certificate signed by it, as PEM files
 * in a fresh directory. The server's certificate names `serverName`, `localhost` and 127.0.0.1. */
export function makeTestCa(serverName: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-tls-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=dockhand test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  const leaf = (name: string, cn: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      f(`${name}.ext`),
      '-out',
      f(`${name}.pem`),
    );
  };
  leaf(
    'server',
    serverName,
    `subjectAltName=DNS:${serverName},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`,
  );
  leaf('client', 'dockhand-test-client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: f('ca.pem'),
    server: { cert: f('server.pem'), key: f('server.key') },
    client: { cert: f('client.pem'), key: f('client.key') },
  };
}
