import type { CandidateFile } from '../scan-data';
import { need, rule, type Rule } from './rule';

// Filesystem checks over the container's filesystem as `docker export` streams it (no exec, so images
// without a shell work). Names pick the candidates; content decides, so a public certificate that
// happens to be called *.pem is not a finding.

const PRIVATE_KEY_PEM = /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP)\s)?PRIVATE KEY( BLOCK)?-----/;
const PUTTY_KEY = /^PuTTY-User-Key-File-\d/;

/** What a key-looking file holds, or undefined when it is not a private key (certificates, public keys). */
function privateKeyKind(file: CandidateFile): string | undefined {
  const m = file.head.match(PRIVATE_KEY_PEM);
  if (m) return `${m[2] ? `${m[2]} ` : ''}private key (PEM)`;
  if (PUTTY_KEY.test(file.head)) return 'PuTTY private key';
  if (/\.(p12|pfx)$/i.test(file.path) && file.size > 0) return 'PKCS#12 keystore';
  return undefined;
}

/** What kind of credential a credentials-looking file holds, or undefined when it holds none. */
function credentialKind(file: CandidateFile): string | undefined {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const text = file.head;
  if (
    /^\.env(\..+)?$/.test(name) &&
    /^\s*(export\s+)?[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY)[A-Z0-9_]*\s*=\s*\S+/im.test(text)
  )
    return 'secret variables in a .env file';
  if (
    name === 'credentials.json' &&
    /"(private_key|client_secret|secret|password|refresh_token)"\s*:\s*"[^"]+"/.test(text)
  )
    return 'secrets in credentials.json';
  if (name === 'credentials' && /aws_secret_access_key\s*=\s*\S+/.test(text)) return 'AWS secret access key';
  if (name === '.netrc' && /\bpassword\s+\S+/.test(text)) return 'password in .netrc';
  if (name === '.pgpass' && /^[^#\n:]*:[^:\n]*:[^:\n]*:[^:\n]*:.+$/m.test(text)) return 'PostgreSQL password file';
  if (name === '.git-credentials' && /:\/\/[^:\s]+:[^@\s]+@/.test(text)) return 'git credentials';
  if (name === 'config.json' && file.path.includes('/.docker/') && /"auth"\s*:\s*"[^"]+"/.test(text))
    return 'Docker registry credentials';
  if (name === '.npmrc' && /_authToken\s*=\s*\S+/.test(text)) return 'npm auth token';
  return undefined;
}

interface PasswdEntry {
  name: string;
  password: string;
  uid: string;
}
const parseColonFile = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(':'));
const passwdEntries = (text: string): PasswdEntry[] =>
  parseColonFile(text).map((f) => ({ name: f[0] ?? '', password: f[1] ?? '', uid: f[2] ?? '' }));

/** The candidate files a classifier names a kind for, as evidence lines ("/path: kind"). */
const flagged = (files: CandidateFile[], kindOf: (f: CandidateFile) => string | undefined) =>
  files.flatMap((f) => {
    const kind = kindOf(f);
    return kind ? [`/${f.path}: ${kind}`] : [];
  });

export const filesystemRules: Rule[] = [
  rule(
    {
      id: 'CIS-4.8',
      title: 'setuid or setgid binaries',
      severity: 'medium',
      needs: ['filesystem'],
      description: 'setuid/setgid binaries are the usual way from a compromised process to root.',
      remediation: 'Remove the setuid/setgid bits in the image (chmod a-s) unless a binary strictly needs them.',
    },
    (d) => need(d.filesystem).setuid.map((f) => `/${f.path} (mode ${f.mode.toString(8)})`),
  ),
  rule(
    {
      id: 'DH-FS-PRIVATE-KEY',
      title: 'Private key in the container filesystem',
      severity: 'high',
      needs: ['filesystem'],
      description:
        'A private key inside the image or container is readable by anyone with the image or a foothold in it.',
      remediation:
        'Remove the key from the image; mount it at run time from a secret store, readable only by the service user.',
    },
    (d) => flagged(need(d.filesystem).candidates, privateKeyKind),
  ),
  rule(
    {
      id: 'DH-FS-CREDENTIALS',
      title: 'Credential file in the container filesystem',
      severity: 'high',
      needs: ['filesystem'],
      description: 'Credential files baked into an image leak with the image.',
      remediation: 'Remove the file from the image; provide the credentials at run time from a secret store.',
    },
    (d) => flagged(need(d.filesystem).candidates, credentialKind),
  ),
  rule(
    {
      id: 'DH-FS-WORLD-WRITABLE',
      title: 'World-writable files in system paths',
      severity: 'medium',
      needs: ['filesystem'],
      description:
        'Any user in the container can replace a world-writable system file or plant files in such a directory.',
      remediation: 'Remove world write permission (chmod o-w), or set the sticky bit on shared directories.',
    },
    (d) => need(d.filesystem).worldWritable.map((f) => `/${f.path} (${f.type}, mode ${f.mode.toString(8)})`),
  ),
  rule(
    {
      id: 'DH-FS-EMPTY-PASSWORD',
      title: 'Account with an empty password',
      severity: 'high',
      needs: ['filesystem'],
      description: 'An account with an empty password can be entered by anyone who reaches a login.',
      remediation: 'Lock the account (passwd -l, "!" in /etc/shadow) or set a password hash.',
    },
    (d) => {
      const fs = need(d.filesystem);
      const shadow =
        fs.shadow !== undefined
          ? parseColonFile(fs.shadow)
              .filter((f) => f[1] === '')
              .map((f) => `/etc/shadow: ${f[0]} has an empty password`)
          : [];
      const passwd =
        fs.passwd !== undefined
          ? passwdEntries(fs.passwd)
              .filter((e) => e.password === '')
              .map((e) => `/etc/passwd: ${e.name} has an empty password field`)
          : [];
      return [...shadow, ...passwd];
    },
  ),
  rule(
    {
      id: 'DH-FS-DUPLICATE-UID',
      title: 'Duplicate UIDs in /etc/passwd',
      severity: 'medium',
      needs: ['filesystem'],
      description: 'Accounts sharing a UID are indistinguishable to the kernel: one can act as the other.',
      remediation: 'Give every account its own UID.',
    },
    (d) => {
      const passwd = need(d.filesystem).passwd;
      if (passwd === undefined) return [];
      const byUid = new Map<string, string[]>();
      for (const e of passwdEntries(passwd)) byUid.set(e.uid, [...(byUid.get(e.uid) ?? []), e.name]);
      return [...byUid]
        .filter(([, names]) => names.length > 1)
        .map(([uid, names]) => `UID ${uid}: ${names.join(', ')}`);
    },
  ),
];
