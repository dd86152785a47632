import type { RuleMeta } from '../../../common/scan/finding';
import type { ScanData, Source } from '../scan-data';

/** A check's verdict: the evidence of a failure (empty = passed), or why it cannot be evaluated. */
type Verdict = string[] | { notApplicable: string };

/** A check: fixed metadata and a pure function of the collected data. */
export interface Rule extends RuleMeta {
  check(data: ScanData): Verdict;
}

/** Thrown inside a check when a source it needs is unavailable; turned into "not applicable". */
class Unavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The value of a source, or (through `rule`) "not applicable" with the collector's reason. */
export function need<T>(source: Source<T>): T {
  if (!source.ok) throw new Unavailable(source.reason);
  return source.value;
}

export function rule(meta: RuleMeta, check: (data: ScanData) => string[] | { notApplicable: string }): Rule {
  return {
    ...meta,
    check(data) {
      try {
        return check(data);
      } catch (e) {
        if (e instanceof Unavailable) return { notApplicable: e.reason };
        throw e;
      }
    },
  };
}

export const notApplicable = (reason: string) => ({ notApplicable: reason });
