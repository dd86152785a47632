import type { BlueGreenResult, Color } from './blue-green';

/** A container of a service as the planner sees it (from its labels and state). */
export interface ServiceContainer {
  name: string;
  image: string;
  /** The dockhand.color label; absent for the edge and anything not colored. */
  color?: Color;
  running: boolean;
  /** Docker's health status (healthy, unhealthy, starting) when the container has a health check. */
  health?: string;
}

export interface BlueGreenPlan {
  /** The color serving now; absent on a first deploy. */
  live?: { color: Color; name: string; image: string };
  /** The color this deploy brings up. */
  next: { color: Color; name: string };
  /** A container already holding the next color's name (a deploy that was terminated before it
   * could clean up). It is not live, so it is removed before the new one is created. */
  leftover?: string;
}

export function colorName(service: string, color: Color): string {
  return `${service}-${color}`;
}

export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/**
 * Decides which color is live and which one to bring up. Live is the colored container the edge
 * routes to; when the edge routes to none of them (lost or never configured) a single colored
 * container is live; two and no edge to tell them apart is refused rather than guessed. A first
 * deploy starts blue. Pure.
 */
export function planBlueGreen(
  service: string,
  containers: ServiceContainer[],
  edgeUpstreamHosts: string[],
): BlueGreenPlan {
  const colored = containers.filter((c) => c.color !== undefined);
  const routed = colored.filter((c) => edgeUpstreamHosts.includes(c.name));
  if (routed.length > 1)
    throw new Error(
      `the edge of ${service} routes to ${routed.map((c) => c.name).join(' and ')} at once; point it at one color before deploying`,
    );
  const live = routed[0] ?? (colored.length === 1 ? colored[0] : undefined);
  if (!live && colored.length > 1)
    throw new Error(
      `${service} has ${colored.map((c) => c.name).join(' and ')} and its edge routes to neither; remove the one that should not serve`,
    );
  const nextColor = live ? otherColor(live.color!) : 'blue';
  const next = { color: nextColor, name: colorName(service, nextColor) };
  const leftover = containers.find((c) => c.name === next.name)?.name;
  return {
    ...(live ? { live: { color: live.color!, name: live.name, image: live.image } } : {}),
    next,
    ...(leftover ? { leftover } : {}),
  };
}

/** The text the Web UI shows while the approval gate waits: what changes and how to answer. */
export function approvalDetails(a: {
  service: string;
  workflowId: string;
  oldImage?: string;
  oldColor?: Color;
  newImage: string;
  newColor: Color;
  timeoutAt: string;
  approvers: string[];
}): string {
  const from = a.oldImage ? `${a.oldImage} (${a.oldColor})` : 'nothing (first deploy)';
  const who = a.approvers.length ? ` Only ${a.approvers.join(', ')} may answer.` : '';
  return [
    `deploy of ${a.service} waits for approval: ${from} → ${a.newImage} (${a.newColor}, healthy, not yet serving).${who}`,
    `Approve: "Send a Signal" → name \`approve\`, input \`{"comment": "<why>"}\` (you are who Temporal records: the UI's login) — or \`dockhand approve ${a.service}\` (as $DOCKHAND_USER).`,
    `Reject: signal \`reject\` with the same input — or \`dockhand reject ${a.service} --comment "<why>"\`. Answers that do not count are listed below.`,
    `Without an answer by ${a.timeoutAt} the deploy is rejected. Workflow: ${a.workflowId}.`,
  ].join('\n\n');
}

/** The moments of a deploy, in epoch ms: start, the new color healthy, approved, the edge switched, now. */
export interface DeployMoments {
  startedAt: number;
  greenHealthyAt: number;
  approvedAt: number;
  switchedAt: number;
  finishedAt: number;
}

/** The result's `timings` from the moments of a deploy. Pure. */
export function deployTimings(m: DeployMoments): BlueGreenResult['timings'] {
  return {
    totalMs: m.finishedAt - m.startedAt,
    greenUpMs: m.greenHealthyAt - m.startedAt,
    approvalMs: m.approvedAt - m.greenHealthyAt,
    switchMs: m.switchedAt - m.approvedAt,
    greenHealthyAt: new Date(m.greenHealthyAt).toISOString(),
    switchStartedAt: new Date(m.approvedAt).toISOString(),
    switchedAt: new Date(m.switchedAt).toISOString(),
  };
}
