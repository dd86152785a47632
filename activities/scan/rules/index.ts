import type { RuleMeta } from '../../../common/scan/finding';
import { driftRules } from './drift';
import { filesystemRules } from './filesystem';
import { imageRules } from './image';
import type { Rule } from './rule';
import { runtimeRules } from './runtime';

/** Every check, in report order. Ids are stable: reports are diffed and suppressed by them. */
export const RULES: Rule[] = [...runtimeRules, ...imageRules, ...filesystemRules, ...driftRules];

/** Rule metadata without the check function (for reports and SARIF). */
export function ruleMeta(rule: Rule): RuleMeta {
  const { check: _check, ...meta } = rule;
  return meta;
}
