import type { ServiceLogsInput, ServiceLogsResult } from '../common/service-logs';
import { serviceRead } from './service-read';

/** Runs the short `serviceLogs` read (each host agent returns the newest logs of the service's containers). */
export const readServiceLogs = serviceRead<ServiceLogsInput, ServiceLogsResult>('serviceLogs', 'logs', (input) => ({
  summary: `last ${input.tail} log lines of ${input.service} on ${input.hosts.join(', ')}`,
  what: 'reads the newest log lines of the service’s containers on each host (`docker logs --tail`), bounded; changes nothing',
  facts: { service: input.service, hosts: input.hosts.join(', '), lines: String(input.tail) },
}));
