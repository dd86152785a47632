import { assertStackUp } from './stack';

/** Runs once before any test file: integration suites need the real stack. Unit-only runs
 * (DOCKHAND_UNIT_ONLY=1, used by `npm run test:unit`) skip the check. */
export default async function setup(): Promise<void> {
  if (process.env.DOCKHAND_UNIT_ONLY === '1') return;
  await assertStackUp();
}
