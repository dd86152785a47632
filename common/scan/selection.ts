import type { ContainerFilter, CheckSelection } from './scan-input';
import type { ScanTarget } from './scan-result';
import { globMatch } from './glob';

/** The listed containers a scan covers: names (exact) and include globs narrow, exclude globs remove.
 * Label filters and running-only are applied by the Engine when listing. Sorted by name. */
export function selectContainers(targets: ScanTarget[], filter: ContainerFilter): ScanTarget[] {
  return targets
    .filter((t) => filter.names.length === 0 || filter.names.includes(t.name))
    .filter((t) => filter.include.length === 0 || filter.include.some((p) => globMatch(p, t.name)))
    .filter((t) => !filter.exclude.some((p) => globMatch(p, t.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a check runs: listed in (or matched by a "PREFIX*" of) include — or include is empty —
 * and not in exclude. */
export function checkEnabled(ruleId: string, selection: CheckSelection): boolean {
  const hit = (patterns: string[]) => patterns.some((p) => globMatch(p, ruleId));
  return (selection.include.length === 0 || hit(selection.include)) && !hit(selection.exclude);
}
