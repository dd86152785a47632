import type { ServiceStatusInput, ServiceStatusResult } from '../common/service-status';
import { serviceRead } from './service-read';

/** Runs the short `serviceStatus` read (each host agent lists the service's containers). */
export const readServiceStatus = serviceRead<ServiceStatusInput, ServiceStatusResult>(
  'serviceStatus',
  'status',
  (input) => ({
    summary: `status of ${input.service} on ${input.hosts.join(', ')}`,
    what: "a short read: each host agent lists the service's containers (a host that does not answer within 10 s is reported).",
    facts: { Service: `\`${input.service}\``, Hosts: input.hosts.join(', '), 'Started by': '`dockhand status`' },
  }),
);
