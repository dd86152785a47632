import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { DockhandPhase } from '../../common/search-attributes';

/** Moves the workflow to a phase: the DockhandPhase search attribute (list views, queries) and the
 * current details the Web UI shows on the workflow's page. */
export function enterPhase(phase: string, details: string): void {
  upsertSearchAttributes([{ key: DockhandPhase, value: phase }]);
  setCurrentDetails(`**${phase}** — ${details}`);
}
