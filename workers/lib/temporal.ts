import { NativeConnection } from '@temporalio/worker';
import type { DockhandConfig } from '../../common/config';
import { temporalConnectionOptions } from '../../client/connection-options';

/** Connects a worker to Temporal, failing with a message that says what to do when it is not up. */
export async function connectWorker(config: DockhandConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(temporalConnectionOptions(config));
  } catch (e) {
    throw new Error(
      `cannot reach Temporal at ${config.temporalAddress} (${(e as Error).message}); start the stack with "npm run stack -- up" or set TEMPORAL_ADDRESS`,
      { cause: e },
    );
  }
}
