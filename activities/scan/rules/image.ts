import { need, rule, type Rule } from './rule';
import { redacted, redactText, SECRET_NAME, SECRET_VALUE } from '../../../common/redact';

// CIS Docker Benchmark v1.6.0 section 4 (images) and common image-lint checks, from the container's
// config and its image's inspect + history (`docker history --no-trunc`).

const PACKAGE_UPDATE = /\b(apt-get|apt|yum|dnf|apk|zypper|microdnf)\s+(-\S+\s+)*(update|upgrade)\b/;
const PACKAGE_INSTALL = /\b(install|add)\b/;

/** A history line as evidence: redacted as CIS-4.10 does (a build step's secrets are the image's, not
 * the report's), trimmed, at most 200 characters. */
const layerEvidence = (createdBy: string, i: number) =>
  `history layer ${i}: ${redactText(createdBy.trim()).slice(0, 200)}`;

function envSecrets(env: string[]): string[] {
  const out: string[] = [];
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? '' : entry.slice(eq + 1);
    if (!value) continue;
    const byValue = SECRET_VALUE.find(([re]) => re.test(value));
    if (SECRET_NAME.test(name)) out.push(`ENV ${redacted(name, value)}`);
    else if (byValue) out.push(`ENV ${redacted(name, value)} looks like a ${byValue[1]}`);
  }
  return out;
}

function historySecrets(history: Array<{ CreatedBy: string }>): string[] {
  const out: string[] = [];
  history.forEach((h, i) => {
    if (/#\(nop\)\s+ENV\s/.test(h.CreatedBy)) return; // ENV layers are checked through the config
    for (const [re, what] of SECRET_VALUE) if (re.test(h.CreatedBy)) out.push(`history layer ${i}: contains a ${what}`);
    const assigned = h.CreatedBy.match(new RegExp(`\\b[A-Z_]*${SECRET_NAME.source}[A-Z_]*=[^\\s$]\\S*`, 'gi')) ?? [];
    for (const a of assigned)
      out.push(`history layer ${i}: sets ${redacted(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1))}`);
  });
  return out;
}

export const imageRules: Rule[] = [
  rule(
    {
      id: 'CIS-4.1',
      title: 'Container runs as root',
      severity: 'medium',
      needs: ['inspect', 'image'],
      description: 'A process running as root in the container is root on the host after any escape.',
      remediation: 'Create an unprivileged user in the image (USER) or run with --user <uid>.',
    },
    (d) => {
      const user = d.container.Config.User ?? '';
      if (user && !/^(root|0)(:|$)/.test(user)) return [];
      const imageUser = d.image.ok ? (d.image.value.inspect.Config.User ?? '') : undefined;
      return [
        `Config.User=${JSON.stringify(user)}${imageUser !== undefined ? `, image USER ${JSON.stringify(imageUser)}` : ''}`,
      ];
    },
  ),
  rule(
    {
      id: 'CIS-4.6',
      title: 'Image has no HEALTHCHECK',
      severity: 'low',
      needs: ['image'],
      description: 'An image without HEALTHCHECK leaves every deployment to add its own.',
      remediation: 'Add a HEALTHCHECK instruction to the Dockerfile.',
    },
    (d) => {
      const test = need(d.image).inspect.Config.Healthcheck?.Test;
      return !test || test.length === 0 || test[0] === 'NONE' ? ['image Config.Healthcheck is not set'] : [];
    },
  ),
  rule(
    {
      id: 'CIS-4.7',
      title: 'Package index update alone in a layer',
      severity: 'low',
      needs: ['image'],
      description: 'An `update` layer cached on its own makes later installs use a stale index.',
      remediation: 'Run update and install in one RUN instruction (apt-get update && apt-get install …).',
    },
    (d) =>
      need(d.image)
        .history.map((h, i) => [h.CreatedBy, i] as const)
        .filter(([c]) => PACKAGE_UPDATE.test(c) && !PACKAGE_INSTALL.test(c.replace(PACKAGE_UPDATE, '')))
        .map(([c, i]) => layerEvidence(c, i)),
  ),
  rule(
    {
      id: 'CIS-4.9',
      title: 'ADD used instead of COPY',
      severity: 'low',
      needs: ['image'],
      description: 'ADD fetches URLs and unpacks archives implicitly; COPY does only what it says.',
      remediation: 'Use COPY unless the archive extraction of ADD is needed.',
    },
    (d) =>
      need(d.image)
        .history.map((h, i) => [h.CreatedBy, i] as const)
        .filter(([c]) => /(^|#\(nop\)\s+)ADD\s/.test(c.trim()))
        .map(([c, i]) => layerEvidence(c, i)),
  ),
  rule(
    {
      id: 'CIS-4.10',
      title: 'Secrets in image environment or history',
      severity: 'high',
      needs: ['image'],
      description: 'Anything in ENV or a build step is readable by everyone who can pull the image.',
      remediation:
        'Pass secrets at run time (secret files, --env-file outside the image, build secrets), never in ENV or RUN lines.',
    },
    (d) => {
      const image = need(d.image);
      return [...envSecrets(image.inspect.Config.Env ?? []), ...historySecrets(image.history)];
    },
  ),
  rule(
    {
      id: 'DH-IMG-SUDO',
      title: 'sudo used in the image build',
      severity: 'low',
      needs: ['image'],
      description: 'sudo in an image usually means it is installed and usable inside the container.',
      remediation: 'Build steps run as root already; remove sudo from the image.',
    },
    (d) =>
      need(d.image)
        .history.map((h, i) => [h.CreatedBy, i] as const)
        .filter(([c]) => /\bsudo\b/.test(c))
        .map(([c, i]) => layerEvidence(c, i)),
  ),
  rule(
    {
      id: 'DH-IMG-LATEST',
      title: 'Image referenced by the latest tag',
      severity: 'low',
      needs: ['inspect'],
      description: '`latest` (or no tag) changes under the container without a record of what runs.',
      remediation: 'Reference images by an explicit version tag or by digest.',
    },
    (d) => {
      const ref = d.container.Config.Image;
      if (ref.startsWith('sha256:') || ref.includes('@')) return [];
      const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
      const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
      return !tag || tag === 'latest' ? [`Config.Image=${ref}`] : [];
    },
  ),
];
