import { createHash } from 'node:crypto';
import type { Finding } from '../../../common/scan/finding';

/** Stable across scans while the same problem persists on the same container (by name, so a
 * recreated container keeps its findings' identity). */
export function fingerprint(host: string, container: string, finding: Pick<Finding, 'ruleId' | 'evidence'>): string {
  return createHash('sha256')
    .update([host, container, finding.ruleId, ...[...finding.evidence].sort()].join('\n'))
    .digest('hex')
    .slice(0, 20);
}
