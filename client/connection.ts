import { Client, Connection } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { temporalConnectionOptions } from './connection-options';
import { dockhandDataConverter } from './data-converter';

/** A Temporal client for the CLI, triggers and tests; the error says what to do when Temporal is down.
 * `identity` is what Temporal records with every start, signal and update this client sends — the
 * identity approver lists check (docs/security.md); default: the SDK's "<pid>@<hostname>". */
export async function connectClient(config: DockhandConfig, o: { identity?: string } = {}): Promise<Client> {
  // Bad keys are a configuration error, not "Temporal is down": read them before connecting.
  const dataConverter = dockhandDataConverter(config);
  try {
    const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5s' });
    return new Client({
      connection,
      namespace: config.temporalNamespace,
      ...(dataConverter ? { dataConverter } : {}),
      ...(o.identity ? { identity: o.identity } : {}),
    });
  } catch (e) {
    throw new Error(
      `cannot reach Temporal at ${config.temporalAddress} (${(e as Error).message}); start the stack with "npm run stack -- up" or set TEMPORAL_ADDRESS`,
      { cause: e },
    );
  }
}
