import type { DockhandConfig } from '../../common/config';

/** The Temporal Web UI page of a workflow (the `url` of a JSON envelope). */
export function workflowUrl(config: DockhandConfig, workflowId: string, runId?: string): string {
  const base = `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}
