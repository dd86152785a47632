/**
 * Redaction of secrets in text that leaves a host agent: failure messages, container logs, health
 * check output, scan evidence. Pure (workflow-safe). What it hides:
 * - the values it is told are secret (a container's secret env values);
 * - `NAME=value` / `NAME: value` where NAME looks like a secret's (PASSWORD, TOKEN, API_KEY, …);
 * - the password in a URL's user info (`https://user:<redacted>@host`);
 * - values that are secrets whatever they are called (AWS key ids, GitHub/Slack tokens, private keys).
 * It is defence in depth, not a guarantee: an application may print a secret no rule recognises.
 */

export const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;
/** Values that are secrets whatever their variable is called. */
export const SECRET_VALUE: Array<[RegExp, string]> = [
  [/AKIA[0-9A-Z]{16}/, 'AWS access key id'],
  [/gh[pousr]_[A-Za-z0-9]{36,}/, 'GitHub token'],
  [/xox[abpr]-[A-Za-z0-9-]{10,}/, 'Slack token'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/, 'private key'],
];
/** Known secret values shorter than this are not replaced (a 2-character value would mangle every
 * line; such a secret is no secret). */
const MIN_KNOWN_LENGTH = 4;

/** `NAME=<redacted, N chars>`: evidence names the variable, never its value. */
export const redacted = (name: string, value: string) => `${name}=<redacted, ${value.length} chars>`;

const ASSIGNMENT = new RegExp(
  `\\b([A-Za-z0-9_.-]*(?:${SECRET_NAME.source.slice(1, -1)})[A-Za-z0-9_.-]*)(["']?\\s*[=:]\\s*["']?)([^\\s"'&;,]+)`,
  'gi',
);
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):([^\s/@]+)@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** `text` with each of the `known` secret values replaced by `<redacted>` — and nothing else: output a
 * person asked for (`dockhand logs`, exec) keeps everything but the container's own secrets. */
export function redactValues(text: string, known: Iterable<string>): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  const values = [...new Set(known)].filter((v) => v.length >= MIN_KNOWN_LENGTH).sort((a, b) => b.length - a.length);
  for (const v of values) out = out.split(v).join('<redacted>');
  return out;
}

/** `text` with every secret it can recognise replaced; `known` are values that are secret here. */
export function redactText(text: string, known: Iterable<string> = []): string {
  let out = redactValues(text, known);
  for (const [re, what] of SECRET_VALUE) out = out.replace(new RegExp(re.source, 'g'), `<redacted ${what}>`);
  out = out.replace(URL_PASSWORD, '$1:<redacted>@');
  out = out.replace(BEARER, '$1 <redacted>');
  out = out.replace(ASSIGNMENT, (all, name: string, sep: string, value: string) =>
    value.startsWith('<redacted') || value.startsWith('$') ? all : `${name}${sep}<redacted, ${value.length} chars>`,
  );
  return out;
}

/** At most the last `maxLines` lines of `text`, each cut at `maxLineChars`, saying what was left out:
 * a failure text stays small whatever a container prints. */
export function boundTail(text: string, maxLines: number, maxLineChars: number): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const kept = lines.slice(-maxLines).map((l) => (l.length > maxLineChars ? `${l.slice(0, maxLineChars)} …(cut)` : l));
  const dropped = lines.length - kept.length;
  return (dropped > 0 ? [`…(${dropped} earlier lines not shown)`, ...kept] : kept).join('\n');
}
