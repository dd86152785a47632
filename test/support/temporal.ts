import { Client } from '@temporalio/client';
import { connectClient } from '../../client/connection';
import { loadConfig, type DockhandConfig } from '../../common/config';

/** A client and the config of a test file's isolated orchestrator queue and host. */
export async function testClient(ids: { hostId: string; orchestratorQueue: string }) {
  const config: DockhandConfig = { ...loadConfig(), hostId: ids.hostId, orchestratorTaskQueue: ids.orchestratorQueue };
  const client = await connectClient(config);
  return { client, config };
}

/** The same connection, sending as `identity` — what Temporal records with an answer and what approver
 * lists check. A test's own client starts the change: as its requester it may not approve it. */
export function clientAs(client: Client, identity: string): Client {
  return new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    identity,
  });
}
