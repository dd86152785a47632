import type { DataSource, Finding, NotApplicable } from '../../common/scan/finding';
import type { CheckSelection } from '../../common/scan/scan-input';
import { checkEnabled } from '../../common/scan/selection';
import { RULES } from './rules';
import type { Rule } from './rules/rule';
import type { ScanData } from './scan-data';

/** Evidence lists are capped so one noisy container cannot bloat history and reports. */
export const MAX_EVIDENCE = 25;
/** …and so is each line of evidence (a history line can be a whole script). */
export const MAX_EVIDENCE_CHARS = 500;

export function enabledRules(selection: CheckSelection): Rule[] {
  return RULES.filter((r) => checkEnabled(r.id, selection));
}

/** The data sources the enabled checks need: collectors skip the rest (an export is the costly one). */
export function neededSources(rules: Rule[]): Set<DataSource> {
  return new Set(rules.flatMap((r) => r.needs));
}

/** Runs the checks over collected data: pure, so the same data gives the same findings. */
export function evaluate(data: ScanData, rules: Rule[]): { findings: Finding[]; notApplicable: NotApplicable[] } {
  const findings: Finding[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const r of rules) {
    const verdict = r.check(data);
    if ('notApplicable' in verdict) notApplicable.push({ ruleId: r.id, reason: verdict.notApplicable });
    else if (verdict.length > 0) {
      const shown = verdict
        .slice(0, MAX_EVIDENCE)
        .map((e) => (e.length > MAX_EVIDENCE_CHARS ? `${e.slice(0, MAX_EVIDENCE_CHARS)}… (${e.length} chars)` : e));
      const evidence =
        verdict.length > MAX_EVIDENCE ? [...shown, `… and ${verdict.length - MAX_EVIDENCE} more`] : shown;
      findings.push({ ruleId: r.id, title: r.title, severity: r.severity, evidence, remediation: r.remediation });
    }
  }
  return { findings, notApplicable };
}
