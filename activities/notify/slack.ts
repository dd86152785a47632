import type { AnswerVerb, Notification } from '../../common/remediation/notification';

/** Slack's mrkdwn treats &, < and > as control characters: escaped, so workload text stays text. */
export const slackText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ICON: Record<Notification['severity'], string> = {
  info: ':information_source:',
  warning: ':warning:',
  critical: ':rotating_light:',
};

/** The `dockhand` commands that answer a waiting workflow: the service's name for a change of a service
 * (deploy/<service>), else the workflow id, which `dockhand approve` also takes. */
export function answerCommands(workflowId: string, verbs: readonly AnswerVerb[] = ['approve', 'reject']): string[] {
  const target = /^deploy\/[^/]+$/.test(workflowId) ? workflowId.slice('deploy/'.length) : workflowId;
  const arg = /^[\w./-]+$/.test(target) ? target : `'${target.replace(/'/g, `'\\''`)}'`;
  return verbs.map((verb) => `dockhand ${verb} ${arg} --comment "<why>"`);
}

/**
 * A Slack incoming-webhook message (also what Mattermost and Rocket.Chat accept): `text` as the
 * fallback line for notifications, then blocks — the title, the text, the facts, a button to the
 * workflow in the Temporal UI, and for a change that waits on people the exact approve/reject commands.
 */
export function slackMessage(n: Notification, link: string): object {
  const facts = [
    ['Workflow', n.workflowId],
    ['Service', n.service],
    ['Host', n.host],
    ['Container', n.container],
  ].filter((f): f is [string, string] => Boolean(f[1]));
  return {
    text: `${ICON[n.severity]} ${slackText(n.title)} — ${link}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: slackText(n.text).slice(0, 3000) } },
      { type: 'section', fields: facts.map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackText(v)}` })) },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in the Temporal UI' }, url: link }],
      },
      ...(n.answerable
        ? [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `Answer from a shell:\n\`\`\`${answerCommands(n.workflowId, n.answers).join('\n')}\`\`\``,
              },
            },
          ]
        : []),
    ],
  };
}
