/** True when `network` names a user-defined network Dockhand must create, rather than a built-in
 * mode (bridge, host, none, container:<name>). Pure; shared with the create-body planner's rule. */
export function needsUserNetwork(network: string | undefined): boolean {
  return (
    network !== undefined &&
    !['bridge', 'host', 'none', 'default'].includes(network) &&
    !network.startsWith('container:')
  );
}
