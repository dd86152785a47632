import { setCurrentDetails } from '@temporalio/workflow';
import type { RefusedAnswer } from '../../common/approval';

/** The latest refusals shown; older ones stay in the gate's decision and the history. */
const SHOWN = 10;

// Module state is per workflow execution (the SDK isolates each workflow's globals).
const refused: RefusedAnswer[] = [];
let details = '';

/** Sets the Web UI's current details: the phase text, then the answers that did not count, so a person
 * who sent a Signal from the UI sees that (and why) it was refused. */
export function showDetails(text: string): void {
  details = text;
  render();
}

/** Records a refused answer in the current details. */
export function noteRefused(r: RefusedAnswer): void {
  refused.push(r);
  if (refused.length > SHOWN) refused.shift();
  render();
}

function render(): void {
  if (refused.length === 0) return setCurrentDetails(details);
  const lines = refused.map((r) => `- ${r.at} ${r.signal} from ${r.by}: ${r.why ?? 'refused'}`);
  setCurrentDetails(`${details}\n\n**Answers that did not count**\n${lines.join('\n')}`);
}
