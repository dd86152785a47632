import type { SearchAttributePair } from '@temporalio/common';
import type { ChangeOriginInput } from '../common/change-origin';
import {
  DockhandHost,
  DockhandImage,
  DockhandPhase,
  DockhandService,
  DockhandWorkflow,
} from '../common/search-attributes';

/**
 * What the Temporal UI shows of a run before it has done anything: the one-line summary (workflow
 * lists, the top of its page), the static details (Markdown on its page: what the run does, its
 * input, who started it, how to follow and answer it) and the search attributes every list view
 * filters on. Every start — CLI, CI webhook, trigger rules, deploy guard, schedules — builds its
 * options with `startPresentation`, so none goes without.
 */
export interface Presentation {
  /** The workflow type; it is also the DockhandWorkflow search attribute. */
  workflowType: string;
  summary: string;
  /** One short paragraph: what this run does, as the runbook it replaces. */
  what: string;
  /** Input facts shown as a list; undefined values are left out. */
  facts: Record<string, string | undefined>;
  /** How to follow and answer it (CLI commands, Send Signal names and payloads). */
  answers?: string[];
  service?: string;
  host?: string;
  image?: string;
  /** The phase search attribute at start, so list views show it before the first phase. */
  phase?: string;
}

export interface PresentationOptions {
  staticSummary: string;
  staticDetails: string;
  typedSearchAttributes: SearchAttributePair[];
}

/** The signal input every answer takes. */
export const ANSWER_JSON = '{"comment": "<why>"}';

/** The start options of a presentation (staticSummary, staticDetails, typedSearchAttributes). */
export function startPresentation(p: Presentation): PresentationOptions {
  return {
    staticSummary: p.summary,
    staticDetails: staticDetails(p),
    typedSearchAttributes: [
      { key: DockhandWorkflow, value: p.workflowType },
      ...(p.service ? [{ key: DockhandService, value: p.service }] : []),
      ...(p.host ? [{ key: DockhandHost, value: p.host }] : []),
      ...(p.image ? [{ key: DockhandImage, value: p.image }] : []),
      ...(p.phase ? [{ key: DockhandPhase, value: p.phase }] : []),
    ],
  };
}

/** The static details as Markdown (CommonMark only: the UI renders no tables). */
function staticDetails(p: Presentation): string {
  const facts = Object.entries(p.facts)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `- **${k}:** ${v}`);
  return [
    `**${p.workflowType}** — ${p.what}`,
    facts.join('\n'),
    '**Follow it:** the current details below say what it does now and what it waits on; the `status` query returns the same as JSON.',
    p.answers?.length ? `**Answer it:**\n\n${p.answers.map((a) => `- ${a}`).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Who asked for a change, through what, from which configuration — one line for the details. */
function originText(o: ChangeOriginInput | undefined, fallback = 'the dockhand CLI'): string {
  if (!o) return fallback;
  const parts = [`${o.requestedBy} via ${o.source}`];
  if (o.pipeline) parts.push(`pipeline ${o.pipeline}`);
  if (o.deliveryId) parts.push(`delivery ${o.deliveryId}`);
  if (o.config)
    parts.push(
      `from ${o.config.path}${o.config.gitCommit ? ` @ ${o.config.gitCommit.slice(0, 12)}${o.config.dirty ? ' (modified)' : ''}` : ''}`,
    );
  if (o.rollbackTo) parts.push(`rolling back to run ${o.rollbackTo}`);
  return parts.join(', ');
}

/** "30 min", "90 s": durations in the details. */
export function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** The Approval fact: who answers and within how long (`which` names the approval: "required", "one
 * for the fleet"), or "not required". */
export function approvalFact(a: { required: boolean; approvers: string[]; timeoutMs: number }, which: string): string {
  if (!a.required) return 'not required';
  return `${which}${a.approvers.length ? ` from ${a.approvers.join(', ')}` : ''}, within ${duration(a.timeoutMs)}`;
}

/** What a service change (a deploy, canary or rollout, on one host or a fleet) says of itself; the rest of
 * its presentation is the same for every kind (see changePresentation). */
export interface ChangeTexts {
  summary: string;
  what: string;
  /** Its own facts, listed after the service, hosts and image, before who started it. */
  facts: Record<string, string | undefined>;
  answers?: string[];
  phase?: string;
}

/** What a service change's input names: the service, one host or every host of a fleet, the image, who asked. */
export interface ChangeTarget {
  service: string;
  host?: string;
  hosts?: string[];
  spec: { image: string };
  origin?: ChangeOriginInput;
}

/** The presentation of a service change: its own texts between the facts and search attributes every
 * kind shows alike (service, host or hosts, image, who started it). */
export function changePresentation(workflowType: string, input: ChangeTarget, texts: ChangeTexts): Presentation {
  const { service, host, hosts, spec } = input;
  return {
    workflowType,
    summary: texts.summary,
    what: texts.what,
    facts: {
      Service: hosts ? `\`${service}\`` : `\`${service}\` on host \`${host}\``,
      Hosts: hosts?.map((h) => `\`${h}\``).join(', '),
      Image: `\`${spec.image}\``,
      ...texts.facts,
      'Started by': originText(input.origin),
    },
    answers: texts.answers,
    service,
    host: hosts ? hosts.join(',') : host,
    image: spec.image,
    phase: texts.phase,
  };
}

/** How an approval is given: the CLI commands and the UI's Send Signal name and input. */
export function approvalAnswers(target: string, o: { required: boolean; approvers: string[]; timeoutMs: number }) {
  if (!o.required) return [];
  const who = o.approvers.length ? ` (only ${o.approvers.join(', ')})` : '';
  return [
    `While it is in phase \`awaiting-approval\`${who}, within ${duration(o.timeoutMs)} (then it is rejected):`,
    `approve: \`dockhand approve ${target}\` — or in this page's Send Signal: \`approve\` with \`${ANSWER_JSON}\` (who counts is the identity Temporal records)`,
    `reject: \`dockhand reject ${target} --comment "<why>"\` — or Send Signal \`reject\` with the same input`,
  ];
}
