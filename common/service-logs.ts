/** Input of `serviceLogs`: the newest log lines of one service's containers on each of its hosts. */
export interface ServiceLogsInput {
  service: string;
  hosts: string[];
  /** Last lines per container (bounded by the CLI; the activity also bounds bytes). */
  tail: number;
  /** Also the edge's logs (its access log). */
  includeEdge?: boolean;
}

/** Bytes kept per stream and container: the newest ones. */
export const SERVICE_LOGS_MAX_BYTES = 64 * 1024;

export interface ServiceLogsResult {
  service: string;
  hosts: Array<{
    host: string;
    containers?: Array<{
      name: string;
      image: string;
      running: boolean;
      stdout: string;
      stderr: string;
      truncated: boolean;
      error?: string;
    }>;
    error?: string;
  }>;
}
