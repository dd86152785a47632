import type { LaunchContainersRequest } from '../common/launch-containers';
import type { Presentation } from './presentation';

/** The Temporal UI's view of a launchContainers run (the benchmark's batch launch). */
export function launchContainersPresentation(r: LaunchContainersRequest, startedBy: string): Presentation {
  return {
    workflowType: 'launchContainers',
    summary: `launch ${r.containers.length} containers on ${r.host}`,
    what: 'creates and starts every container in parallel and waits until each is healthy. Nothing to answer.',
    facts: { Host: `\`${r.host}\``, Containers: String(r.containers.length), 'Started by': startedBy },
    host: r.host,
  };
}
