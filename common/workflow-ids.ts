/** Workflow ids are locks: one change of a service at a time, whatever kind of change it is
 * (ensure, blue-green, rolling), because they all start under this id. */
export function serviceChangeId(service: string): string {
  return `deploy/${service}`;
}
