import { connectClient } from '../../client/connection';
import { loadConfig, type DockhandConfig } from '../../common/config';

/** A client and the config of a test file's isolated orchestrator queue and host. */
export async function testClient(ids: { hostId: string; orchestratorQueue: string }) {
  const config: DockhandConfig = { ...loadConfig(), hostId: ids.hostId, orchestratorTaskQueue: ids.orchestratorQueue };
  const client = await connectClient(config);
  return { client, config };
}
