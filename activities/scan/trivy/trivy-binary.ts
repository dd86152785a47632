import { access, constants } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The Trivy version scripts/stack.sh builds (keep in step with TRIVY_VERSION there). */
const TRIVY_VERSION = 'v0.74.0';

/** The trivy binary a host agent runs: TRIVY_PATH, else `trivy` on PATH, else the build scripts/stack.sh
 * leaves in ~/.cache/dockhand. Undefined when there is none (the scan then says so). */
export async function findTrivy(
  trivyPath: string | undefined,
  envPath = process.env['PATH'] ?? '',
): Promise<string | undefined> {
  const candidates = trivyPath
    ? [trivyPath]
    : [
        ...envPath
          .split(':')
          .filter(Boolean)
          .map((d) => path.join(d, 'trivy')),
        path.join(os.homedir(), '.cache', 'dockhand', `trivy-${TRIVY_VERSION}`, 'trivy'),
      ];
  for (const c of candidates)
    if (
      await access(c, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return c;
  return undefined;
}
