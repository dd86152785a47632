import path from 'node:path';
import { readVariable } from '../../../common/config';

/** Where reports and the drift baseline live: DOCKHAND_REPORTS_DIR, else .dockhand/reports under the
 * working directory (the orchestrator's; the stack keeps its state in .dockhand too). */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(readVariable('DOCKHAND_REPORTS_DIR', env));
}
