/**
 * The Temporal UI's "current details" of a workflow, as Markdown: which phase it is in, what happens
 * (or what a person is asked), and what it waits on. CommonMark only (the UI renders no tables).
 * Pure text, tested by exact equality; workflows set it through enterPhase (workflows/lib/progress.ts).
 */
export function phaseDetails(phase: string, details: string, waitsOn?: string): string {
  return [`**Phase \`${phase}\`** — ${details}`, waitsOn ? `**Waiting on:** ${waitsOn}` : '']
    .filter(Boolean)
    .join('\n\n');
}

/** What an approval phase waits on, in one line. */
export function approvalWaitsOn(timeoutAt: string, onTimeout: string): string {
  return `a person's \`approve\` or \`reject\` (CLI or Send Signal, as above) until ${timeoutAt}; then ${onTimeout}.`;
}
