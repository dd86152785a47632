import { describe, expect, it } from 'vitest';
import { pagerDutyEvent } from '../../../activities/notify/pagerduty';
import { answerCommands, slackMessage, slackText } from '../../../activities/notify/slack';
import type { Notification } from '../../../common/remediation/notification';

const n: Notification = {
  key: 'deploy/web/run-1/approval-1',
  severity: 'warning',
  title: 'web waits for approval (blueGreenDeploy)',
  text: 'deploy/web waits for 1 approval(s) <b>; no answer within 30 min rejects it',
  host: 'vm-1',
  container: '',
  workflowId: 'deploy/web',
  runId: 'run-1',
  kind: 'waiting',
  service: 'web',
  answerable: true,
};
const link = 'http://ui:8233/namespaces/default/workflows/deploy%2Fweb/run-1';

describe('notification channels', () => {
  it('Slack: fallback text with the link, blocks with the facts, a button to the UI and the exact commands', () => {
    expect(slackMessage(n, link)).toEqual({
      text: `:warning: web waits for approval (blueGreenDeploy) — ${link}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: n.title, emoji: true } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'deploy/web waits for 1 approval(s) &lt;b&gt;; no answer within 30 min rejects it',
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Workflow*\ndeploy/web' },
            { type: 'mrkdwn', text: '*Service*\nweb' },
            { type: 'mrkdwn', text: '*Host*\nvm-1' },
          ],
        },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in the Temporal UI' }, url: link }],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'Answer from a shell:\n```dockhand approve web --comment "<why>"\ndockhand reject web --comment "<why>"```',
          },
        },
      ],
    });
    expect(slackText('a & <b>')).toBe('a &amp; &lt;b&gt;');
  });

  it('answer commands name the service of a change, else the workflow id (quoted when it must be)', () => {
    expect(answerCommands('deploy/web')[0]).toBe('dockhand approve web --comment "<why>"');
    expect(answerCommands('remediate/harden/vm-1/web-blue')[0]).toBe(
      'dockhand approve remediate/harden/vm-1/web-blue --comment "<why>"',
    );
    expect(answerCommands("odd id's")[1]).toBe(`dockhand reject 'odd id'\\''s' --comment "<why>"`);
  });

  it('PagerDuty Events v2: a trigger deduplicated by the notification key, with the link', () => {
    expect(pagerDutyEvent({ ...n, severity: 'critical', kind: 'failed' }, 'R0UT1NG', link)).toEqual({
      routing_key: 'R0UT1NG',
      event_action: 'trigger',
      dedup_key: n.key,
      payload: {
        summary: n.title,
        source: 'vm-1',
        severity: 'critical',
        group: 'web',
        class: 'failed',
        custom_details: { text: n.text, workflowId: 'deploy/web', runId: 'run-1' },
      },
      client: 'Dockhand',
      client_url: link,
      links: [{ href: link, text: 'Workflow in the Temporal UI' }],
    });
  });
});
