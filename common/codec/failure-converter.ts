import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces move into an encoded payload (so the payload codec encrypts them):
 * a failure's text — a container's last log lines, an env file's path — is not stored in clear.
 * Loaded by path (`failureConverterPath`) in workers (the workflow bundle too) and clients alike.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
