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
