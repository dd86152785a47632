import { Client, Connection } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';

/** A Temporal client for the CLI, triggers and tests; the error says what to do when Temporal is down. */
export async function connectClient(config: DockhandConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: '5s' });
    return new Client({ connection, namespace: config.temporalNamespace });
  } catch (e) {
    throw new Error(
      `cannot reach Temporal at ${config.temporalAddress} (${(e as Error).message}); start the stack with "npm run stack -- up" or set TEMPORAL_ADDRESS`,
      { cause: e },
    );
  }
}
