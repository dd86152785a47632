import path from 'node:path';

const lib = path.join(__dirname, '..', '..', 'workflows', 'lib');

/**
 * The workflow interceptor modules the orchestrator loads: metrics (no commands) and the end notice
 * (it starts a notification workflow, so replays and workflow tests must load it too — a history
 * recorded with it does not replay without it). One list for the worker and the tests; paths with
 * their extension, as the workflow bundler takes them (require.resolve does not resolve `.ts` under vitest).
 */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [
  path.join(lib, 'metrics-interceptor.ts'),
  path.join(lib, 'end-notice-interceptor.ts'),
];
