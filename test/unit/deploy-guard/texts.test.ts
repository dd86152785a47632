import { describe, expect, it } from 'vitest';
import { guardTexts } from '../../../common/deploy-guard-texts';

const input = {
  service: 'web',
  strategy: 'rolling' as const,
  approval: { timeoutMs: 60_000 },
  incident: {
    container: 'web-2',
    at: 'T1',
    deployRunId: 'r',
    deployFinishedAt: 'T0',
    fromImage: 'app:v2',
  },
};

describe('guardTexts', () => {
  const t = guardTexts(input, 'app:v1');

  it('says what goes back, why, and how to answer', () => {
    expect(t.what).toBe('web: app:v2 → app:v1 (rolling)');
    expect(t.why).toBe('web-2 turned unhealthy at T1, after the deploy that finished at T0');
    expect(t.asking).toBe(
      'deploy guard wants to roll back web: app:v2 → app:v1 (rolling): web-2 turned unhealthy at T1, after the deploy that finished at T0.\n\n' +
        'Approve: signal `approve` {"comment": "<why>"} — or `dockhand approve web`; reject with `reject`. Without an answer within 60s nothing changes.',
    );
  });

  it('names who answered, when someone did', () => {
    expect(t.answered({ outcome: 'rejected', by: 'carol' })).toBe(
      'rollback of web: app:v2 → app:v1 (rolling) rejected by carol; nothing changed',
    );
    expect(t.answered({ outcome: 'timed-out' })).toBe(
      'rollback of web: app:v2 → app:v1 (rolling) timed-out; nothing changed',
    );
    expect(t.rolledBackNote({ by: 'carol' })).toEqual({
      key: 'rolled-back',
      kind: 'rolled-back',
      service: 'web',
      severity: 'warning',
      title: 'deploy guard rolled back web to app:v1',
      text: `${t.why}. Rolled back ${t.what}, approved by carol.`,
    });
    expect(t.rolledBackNote({}).text).toBe(`${t.why}. Rolled back ${t.what}.`);
  });

  it('keys each notification once per incident', () => {
    expect([t.approvalNote.key, t.rolledBackNote({}).key, t.failedNote('x').key]).toEqual([
      'approval',
      'rolled-back',
      'failed',
    ]);
    expect(t.approvalNote).toMatchObject({ kind: 'waiting', answerable: true, service: 'web' });
    expect(t.failedNote('boom')).toMatchObject({
      kind: 'failed',
      service: 'web',
      severity: 'critical',
      text: `${t.why}. Rollback ${t.what} failed: boom`,
    });
  });
});
