/** One line from a workflow failure and its causes ("Workflow execution failed: Activity task failed:
 * …"), with each cause's failure type when it has one, so the CLI prints why, not just that. */
export function failureText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as (Error & { type?: string; cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    if (e.message) parts.push(e.type ? `${e.message} [${e.type}]` : e.message);
  }
  return parts.join(': ') || String(err);
}
