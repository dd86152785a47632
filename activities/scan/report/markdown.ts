import type { ScanReport } from '../../../common/scan/report';
import { SEVERITIES } from '../../../common/scan/severity';

/** Text from a workload (evidence, names, errors) as inert Markdown: every character Markdown or
 * HTML gives meaning to is escaped, so a container cannot plant links or markup in a report (L12). */
export const inert = (s: string) => s.replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
const cell = inert;

/** A human summary of the report: counts, score, diff, unreachable hosts, then each container's findings. */
export function toMarkdown(r: ScanReport): string {
  const s = r.summary;
  const lines = [
    `# Dockhand security scan ${r.reportId}`,
    '',
    `Scanned ${s.containers.scanned} container(s) on ${s.hosts.scanned.join(', ') || 'no host'} from ${r.startedAt} to ${r.finishedAt}. **Score ${s.score}/100.**`,
    '',
    `| ${SEVERITIES.join(' | ')} | suppressed |`,
    `|${SEVERITIES.map(() => '---').join('|')}|---|`,
    `| ${SEVERITIES.map((k) => s.counts[k]).join(' | ')} | ${s.suppressed} |`,
    '',
    `Since ${r.diff.previousReportId ?? 'no previous report'}: ${r.diff.new.length} new, ${r.diff.fixed.length} fixed, ${r.diff.stillOpen.length} still open.`,
  ];
  for (const h of r.hosts.filter((x) => x.status === 'unreachable'))
    lines.push('', `> **Host ${inert(h.host)} was not scanned:** ${inert(h.error ?? 'unreachable')}`);
  for (const n of r.vulnerabilities?.notices ?? []) lines.push('', `> **Note:** ${inert(n)}`);
  lines.push(...vulnerabilityLines(r));
  for (const c of r.containers) {
    lines.push(
      '',
      `## ${inert(c.host)}/${inert(c.name)} — ${c.status === 'scanned' ? `score ${c.score}` : c.status}`,
      '',
      `Image \`${c.image}\` (${c.imageId.slice(0, 19) || 'unknown'}), container ${c.id.slice(0, 12)}.`,
    );
    if (c.status !== 'scanned') {
      lines.push('', `Not scanned: ${inert(c.error ?? c.status)}.`);
      continue;
    }
    if (c.findings.length === 0) lines.push('', 'No findings.');
    else {
      lines.push('', '| severity | check | finding | evidence | remediation |', '|---|---|---|---|---|');
      for (const f of c.findings)
        lines.push(
          `| ${f.severity} | ${f.ruleId} | ${cell(f.title)} | ${cell(f.evidence.join('; '))} | ${cell(f.remediation)} |`,
        );
    }
    for (const f of c.suppressed)
      lines.push(
        `- suppressed ${f.ruleId} (${f.severity}) until ${f.suppression.expires}: ${inert(f.suppression.reason)}`,
      );
    if (c.notApplicable.length)
      lines.push('', `Not applicable: ${c.notApplicable.map((n) => `${n.ruleId} (${inert(n.reason)})`).join('; ')}.`);
  }
  return `${lines.join('\n')}\n`;
}

/** The vulnerability data per host, the remediation commands and the SBOMs (when the scan had them). */
function vulnerabilityLines(r: ScanReport): string[] {
  const v = r.vulnerabilities;
  if (!v) return [];
  const lines = ['', '## Image vulnerabilities (Trivy)', ''];
  for (const h of v.hosts) {
    if (h.status === 'unavailable') {
      lines.push(`- ${inert(h.host)}: unavailable — ${inert(h.reason ?? '')}`);
      continue;
    }
    const db = h.db
      ? `database ${inert(h.db.source)}${h.db.ageDays !== undefined ? `, ${h.db.ageDays} day(s) old` : ''}`
      : '';
    const images = h.images.map(
      (i) => `${inert(i.image)} ${i.status === 'scanned' ? `(${i.vulnerabilities})` : '(failed)'}`,
    );
    lines.push(
      `- ${inert(h.host)}: ${images.join(', ') || 'no images'}; ${db}${h.trivyVersion ? `, Trivy ${inert(h.trivyVersion)}` : ''}`,
    );
  }
  if (r.remediation?.length) {
    lines.push('', '### Fixes to ship (critical, fixed version published)', '');
    for (const s of r.remediation)
      lines.push(
        `- ${inert(s.host)}/${inert(s.container)}: ${s.ruleId} — ${inert(s.package)} ≥ ${inert(s.fixed)}: \`${s.command}\``,
      );
  }
  if (r.sboms?.length) {
    lines.push('', '### SBOMs (CycloneDX)', '');
    for (const s of r.sboms) {
      const since = s.previousImageId
        ? `; since the last scan ${s.added!.length} added, ${s.removed!.length} removed${[...s.added!.map((p) => ` +${inert(p)}`), ...s.removed!.map((p) => ` -${inert(p)}`)].slice(0, 20).join('')}`
        : '';
      lines.push(`- ${inert(s.image)}: ${s.packages.length} package(s), [${inert(s.file)}](${s.file})${since}`);
    }
  }
  return lines;
}
