import { assertStackUp } from './stack';
import { testWorkflowBundle } from './workflow-bundle';

/** Runs once before any test file: integration suites need the real stack. Unit-only runs
 * (DOCKHAND_UNIT_ONLY=1, used by `npm run test:unit`) skip the check. The workflow bundle is built
 * here once, so the files and workers that start first do not each build it at the same time. */
export default async function setup(): Promise<void> {
  await testWorkflowBundle();
  if (process.env.DOCKHAND_UNIT_ONLY === '1') return;
  await assertStackUp();
}
